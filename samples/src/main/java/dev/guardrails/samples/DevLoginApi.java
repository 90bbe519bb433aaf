package dev.guardrails.samples;

import dev.guardrails.auth.IssuedToken;
import dev.guardrails.auth.LocalTokenIssuer;
import dev.guardrails.core.Actor;
import dev.guardrails.core.Unauthenticated;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /dev/login}: issues a short-lived token for one of the seeded demo users, without a
 * password. Only registered in development and test ({@link DeskConfig#devLoginEnabled()}); a real
 * deployment logs users in through its identity provider and keeps the same verifier.
 */
final class DevLoginApi {

  /**
   * The body of a dev login.
   *
   * @param username one of the demo users, e.g. {@code anna}
   */
  record Login(@Nullable String username) {}

  private final LocalTokenIssuer issuer;

  DevLoginApi(LocalTokenIssuer issuer) {
    this.issuer = issuer;
  }

  void register(Routes routes) {
    routes.add("POST", "/dev/login", this::login);
  }

  private void login(Request request) {
    Login login = request.body(Login.class);
    String username = login.username() == null ? "" : login.username();
    Actor actor =
        DemoUsers.byName(username)
            .orElseThrow(() -> new Unauthenticated("dev login for an unknown user"));
    IssuedToken token = issuer.issue(actor);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("tokenType", "Bearer");
    body.put("token", token.token());
    body.put("expiresAt", token.expiresAt().toString());
    body.put("user", actor.id());
    body.put("firm", actor.tenantId());
    body.put("roles", List.copyOf(actor.roles()));
    request.json(200, body);
  }
}
