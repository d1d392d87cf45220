package org.postgresml.proxy.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ListResourceBundle;
import java.util.stream.Collectors;
import org.postgresml.proxy.config.model.Setting;

/**
 * The {@code --help} text of every flag, from the settings table: picocli reads option descriptions
 * from this bundle (keyed by the flag without its dashes), so help and defaults are written once.
 * Defaults come from the table's text, never from values (a URL default would print its password).
 */
public final class CliHelp extends ListResourceBundle {

  @Override
  protected Object[][] getContents() {
    List<Object[]> contents = new ArrayList<>();
    for (Setting setting : Setting.values()) {
      setting.flag().ifPresent(flag -> contents.add(new Object[] {flag.substring(2), description(setting)}));
    }
    contents.add(new Object[] {"usage.footer", footer()});
    return contents.toArray(Object[][]::new);
  }

  /** The help line with its default and environment variable: "Server connections per pool (default 20)." */
  static String description(Setting setting) {
    List<String> notes = new ArrayList<>();
    String defaultText = setting.defaultDescription().replace("`", "");
    if (defaultText.equals("required")) {
      notes.add(defaultText);
    } else if (!defaultText.equals("none")) {
      notes.add("default " + defaultText);
    }
    setting.env().ifPresent(env -> notes.add("env " + env));
    return setting.help() + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")") + ".";
  }

  private static String footer() {
    return "%nEnvironment: " + Arrays.stream(Setting.values()).flatMap(s -> s.env().stream())
        .collect(Collectors.joining(", ")) + ".%nFlags win over the environment, which wins over the --config file.";
  }
}
