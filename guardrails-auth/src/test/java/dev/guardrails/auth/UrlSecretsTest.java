package dev.guardrails.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class UrlSecretsTest {

  @Test
  void redact_removesCredentialsAndQueryOfEveryUrl() {
    assertThat(
            UrlSecrets.redact(
                "503 for URL: https://svc:pa55@idp.example/keys?api_key=k1#frag and"
                    + " jdbc:postgresql://app:pw@db:5432/app?password=pw2"))
        .isEqualTo(
            "503 for URL: https://idp.example/keys?(query removed)#frag and"
                + " jdbc:postgresql://db:5432/app?(query removed)");
  }

  @Test
  void redact_textWithoutUrlSecrets_unchanged() {
    String text =
        "Couldn't retrieve JWK set from URL: https://idp.example/keys (mail ops@example.com)";

    assertThat(UrlSecrets.redact(text)).isEqualTo(text);
  }

  @Test
  void redact_passwordWithARawAtSign_removedWhole() {
    assertThat(UrlSecrets.redact("for URL: https://svc:p@ss@idp.example/keys and more"))
        .isEqualTo("for URL: https://idp.example/keys and more");
  }

  @Test
  void redact_atSignInTheQueryOrFragment_keepsTheHostAndRemovesTheQuery() {
    assertThat(UrlSecrets.redact("https://idp.example?api_key=k1@k2 and https://idp.example#a@b"))
        .isEqualTo("https://idp.example?(query removed) and https://idp.example#a@b");
  }

  @Test
  void redact_ipv6HostPercentEncodedUserInfoAndAtInThePath_handled() {
    assertThat(
            UrlSecrets.redact(
                "https://us%40er:p%3Ass@[2001:db8::1]:8443/keys?x=1"
                    + " https://idp.example/users/@me/keys"))
        .isEqualTo(
            "https://[2001:db8::1]:8443/keys?(query removed) https://idp.example/users/@me/keys");
  }

  @Test
  void redact_null_saysNoReasonWasGiven() {
    assertThat(UrlSecrets.redact(null)).isEqualTo("no reason given");
  }
}
