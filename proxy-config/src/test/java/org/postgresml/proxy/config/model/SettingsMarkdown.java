package org.postgresml.proxy.config.model;

/** The settings table as docs/configuration.md shows it. */
final class SettingsMarkdown {

  private SettingsMarkdown() {}

  static String table() {
    StringBuilder out = new StringBuilder("| YAML key | flag | env | default | reload | what |\n")
        .append("|---|---|---|---|---|---|\n");
    for (Setting setting : Setting.values()) {
      out.append("| ").append(setting.key().map(SettingsMarkdown::code).orElse(""))
          .append(" | ").append(setting.flag().map(flag -> code(flag + setting.paramLabel().map(l -> " " + l)
              .orElse(""))).orElse(""))
          .append(" | ").append(setting.env().map(SettingsMarkdown::code).orElse(""))
          .append(" | ").append(setting.defaultDescription())
          .append(" | ").append(setting.reloadable() ? "yes" : "restart")
          .append(" | ").append(setting.help()).append(". |\n");
    }
    return out.toString();
  }

  private static String code(String text) {
    return "`" + text + "`";
  }
}
