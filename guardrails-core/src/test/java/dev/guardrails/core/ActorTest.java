package dev.guardrails.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class ActorTest {

  @Test
  void person_withRoles_keepsFieldsAndSortsRoles() {
    Actor actor = Actor.person("u-1", "t-1", "viewer", "admin", "viewer");

    assertThat(actor.kind()).isEqualTo(ActorKind.PERSON);
    assertThat(actor.id()).isEqualTo("u-1");
    assertThat(actor.tenantId()).isEqualTo("t-1");
    assertThat(actor.roles()).containsExactly("admin", "viewer");
    assertThat(actor.hasRole("admin")).isTrue();
    assertThat(actor.hasRole("Admin")).isFalse();
  }

  @Test
  void person_fromCollection_copiesRoles() {
    List<String> roles = new ArrayList<>(List.of("admin"));
    Actor actor = Actor.person("u-1", "t-1", roles);
    roles.add("root");

    assertThat(actor.roles()).containsExactly("admin");
    assertThatThrownBy(() -> actor.roles().add("root"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void service_andJob_haveTheirKind() {
    assertThat(Actor.service("svc", "t-1", "billing").kind()).isEqualTo(ActorKind.SERVICE);
    assertThat(Actor.service("svc", "t-1", Set.of("billing")).roles()).containsExactly("billing");
    Actor job = Actor.job("nightly-invoices", "t-1");
    assertThat(job.kind()).isEqualTo(ActorKind.JOB);
    assertThat(job.id()).isEqualTo("nightly-invoices");
    assertThat(job.roles()).isEmpty();
  }

  @Test
  void equals_sameFields_equalAndSameHash() {
    Actor first = Actor.person("u-1", "t-1", "a", "b");
    Actor second = Actor.person("u-1", "t-1", List.of("b", "a"));

    assertThat(first).isEqualTo(second).hasSameHashCodeAs(second);
    assertThat(first).isNotEqualTo(Actor.service("u-1", "t-1", "a", "b"));
    assertThat(first).isNotEqualTo(Actor.person("u-1", "t-2", "a", "b"));
    assertThat(first).isNotEqualTo("u-1");
  }

  @Test
  void toString_showsKindIdTenantAndRoles() {
    assertThat(Actor.person("u-1", "t-1", "viewer", "admin"))
        .hasToString("Actor[PERSON id=u-1 tenant=t-1 roles=[admin, viewer]]");
  }

  @Test
  void person_nullArguments_throwNamingTheParameter() {
    assertThatThrownBy(() -> Actor.person(null, "t-1"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("actor id");
    assertThatThrownBy(() -> Actor.person("u-1", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("tenant id");
    assertThatThrownBy(() -> Actor.person("u-1", "t-1", (String[]) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("roles");
    assertThatThrownBy(() -> Actor.person("u-1", "t-1", "admin", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("role");
    assertThatThrownBy(() -> Actor.job(null, "t-1"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("job name");
  }

  @Test
  void person_blankId_throwsWithFieldAndValue() {
    assertThatThrownBy(() -> Actor.person("", "t-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("actor id must not be blank, but was ''");
    assertThatThrownBy(() -> Actor.person("u-1", "  "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tenant id must not be blank, but was '  '");
    assertThatThrownBy(() -> Actor.service("svc", "t-1", " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("role must not be blank, but was ' '");
    assertThatThrownBy(() -> Actor.job("\t", "t-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("job name must not be blank, but was '\\t'");
  }

  @Test
  void person_controlCharacters_throwWithEscapedValue() {
    assertThatThrownBy(() -> Actor.person("u-1\nFAKE LOG LINE", "t-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("actor id must not contain control characters, but was 'u-1\\nFAKE LOG LINE'");
    assertThatThrownBy(() -> Actor.person("u-1", "t\u202e1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("tenant id must not contain control characters")
        .hasMessageContaining("t\\u202e1");
    assertThatThrownBy(() -> Actor.person("u-1", "t-1", "admin\u0000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("role must not contain control characters");
  }

  @Test
  void person_tooLong_throwsWithLength() {
    String id = "x".repeat(Actor.MAX_LENGTH + 1);

    assertThatThrownBy(() -> Actor.person(id, "t-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("actor id must be at most 256 characters, but was 257 characters");
    assertThat(Actor.person("x".repeat(Actor.MAX_LENGTH), "t-1").id()).hasSize(256);
  }

  @Test
  void hasRole_null_throws() {
    assertThatThrownBy(() -> Fixtures.ALICE.hasRole(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("role");
  }
}
