package org.postgresml.proxy.session;

import java.util.List;
import java.util.function.Supplier;
import org.postgresml.proxy.admin.AdminConsole;

/** Who may log in to the admin console ({@code pgml_proxy}) and the console they reach. */
public final class AdminAccess {

  private final Supplier<List<String>> adminUsers;
  private final AdminConsole console;

  public AdminAccess(Supplier<List<String>> adminUsers, AdminConsole console) {
    this.adminUsers = adminUsers;
    this.console = console;
  }

  boolean mayUse(String user) {
    return adminUsers.get().contains(user);
  }

  AdminConsole console() {
    return console;
  }
}
