package dev.guardrails.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.guardrails.auth.TokenRejection.Reason;
import dev.guardrails.auth.spi.RevocationCheck;
import dev.guardrails.core.Actor;
import dev.guardrails.core.ActorKind;
import dev.guardrails.core.EventContext;
import dev.guardrails.core.EventSink;
import dev.guardrails.core.EventSinks;
import dev.guardrails.core.Unauthenticated;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a bearer token into an {@link Actor}, hardened by default (RFC 8725): a signed JWT (JWS)
 * only, an explicit algorithm allow-list of asymmetric algorithms ({@code none} and HMAC are never
 * accepted), no key taken from the token's own {@code jwk}/{@code jku}/{@code x5u}/{@code x5c}
 * headers, unknown {@code crit} rejected, a required {@code typ}, a bounded token size and JSON
 * nesting, duplicate members rejected, required {@code exp}, {@code iss}, {@code aud} and {@code
 * sub}, a bounded clock skew, and keys bound to their issuer.
 *
 * <p>Every refusal is logged with its {@link TokenRejection.Reason}, published as a {@link
 * TokenRejectedEvent}, and reaches the caller as one generic {@link Unauthenticated}.
 *
 * <p>Claims map to the actor as follows: {@code sub} is the id; the tenant claim (default {@code
 * tenant}) the tenant; the roles claim (default {@code roles}, an array of strings or a
 * space-separated string) the roles; the kind claim, when configured, {@code person}, {@code
 * service} or {@code job}, otherwise the actor is a person.
 *
 * <p>Immutable and thread-safe; build once with {@link #builder()} and share.
 */
public final class JwtVerifier {

  private static final Logger LOG = LoggerFactory.getLogger(JwtVerifier.class);

  /** The largest clock skew a verifier accepts; issuers keep revocations at least this long. */
  static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

  /** Converted public keys are kept for this many distinct JWKs; past it the memo starts over. */
  private static final int MAX_CONVERTED_KEYS = 256;

  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._~+/=:-]{1,256}");
  private static final Set<String> EMBEDDED_KEY_HEADERS = Set.of("jwk", "jku", "x5u", "x5c");
  private static final List<JWSAlgorithm> DEFAULT_ALGORITHMS =
      List.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512);

  private final Map<String, TrustedIssuer> issuers;
  private final String audience;
  private final Set<String> algorithms;
  private final String requiredType;
  private final boolean typeRequired;
  private final Duration clockSkew;
  private final int maxTokenLength;
  private final int maxJsonDepth;
  private final String tenantClaim;
  private final @Nullable String fixedTenant;
  private final String rolesClaim;
  private final @Nullable String kindClaim;
  private final @Nullable RevocationCheck revocationCheck;
  private final @Nullable VerifiedTokenCache cache;
  private final Duration cacheMaxTtl;
  private final Clock clock;
  private final EventSink eventSink;
  private final DefaultJWSVerifierFactory verifierFactory = new DefaultJWSVerifierFactory();
  private final Map<JWK, Key> convertedKeys = new ConcurrentHashMap<>();

  private JwtVerifier(Builder b) {
    this.issuers = Map.copyOf(b.issuers);
    this.audience = Objects.requireNonNull(b.audience);
    Set<String> names = new LinkedHashSet<>();
    for (JWSAlgorithm algorithm : b.algorithms) {
      names.add(algorithm.getName());
    }
    this.algorithms = Set.copyOf(names);
    this.requiredType = b.requiredType;
    this.typeRequired = !b.allowMissingType;
    this.clockSkew = b.clockSkew;
    this.maxTokenLength = b.maxTokenLength;
    this.maxJsonDepth = b.maxJsonDepth;
    this.tenantClaim = b.tenantClaim;
    this.fixedTenant = b.fixedTenant;
    this.rolesClaim = b.rolesClaim;
    this.kindClaim = b.kindClaim;
    this.revocationCheck = b.revocationCheck;
    this.cache =
        b.cacheMaxEntries > 0
            ? new VerifiedTokenCache(b.cacheMaxEntries, b.maxTokenLength, new SecureRandom())
            : null;
    this.cacheMaxTtl = b.cacheMaxTtl;
    this.clock = b.clock;
    this.eventSink = b.eventSink;
  }

  /** {@return a builder with the strict defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Verifies a token and returns its actor.
   *
   * @param token the compact-serialized JWT, without the {@code Bearer } prefix
   * @return the actor the token speaks for
   * @throws NullPointerException if the token is null
   * @throws Unauthenticated if the token is refused, for any reason; {@link
   *     TokenRejection#reasonOf(Unauthenticated)} reads the reason back
   */
  public Actor verify(String token) {
    TokenVerification result = check(Objects.requireNonNull(token, "token"));
    if (!result.isVerified()) {
      throw result.rejection().orElseThrow().toException();
    }
    return result.actor().orElseThrow();
  }

  /**
   * Verifies the value of an HTTP {@code Authorization} header of the form {@code Bearer <token>}.
   *
   * @param authorizationHeader the header value, or null when the request has none
   * @return the actor the token speaks for
   * @throws Unauthenticated if the header is missing or not a bearer token, or the token is refused
   */
  public Actor verifyAuthorizationHeader(@Nullable String authorizationHeader) {
    if (authorizationHeader == null
        || authorizationHeader.length() < 7
        || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
      TokenRejection rejection =
          TokenRejection.of(Reason.MALFORMED, "no bearer token in the authorization header");
      reject(rejection, null);
      throw rejection.toException();
    }
    return verify(authorizationHeader.substring(7).strip());
  }

  /**
   * Verifies a token and returns the outcome instead of throwing; the rejection is still logged and
   * published.
   *
   * @param token the compact-serialized JWT
   * @return the actor or the reason for the refusal
   * @throws NullPointerException if the token is null
   */
  public TokenVerification check(String token) {
    Objects.requireNonNull(token, "token");
    try {
      return TokenVerification.verified(verifyOrThrow(token));
    } catch (Rejected rejected) {
      reject(rejected.rejection, rejected.issuer);
      return TokenVerification.rejected(rejected.rejection);
    }
  }

  private void reject(TokenRejection rejection, @Nullable String issuer) {
    LOG.warn("{}", rejection);
    eventSink.publish(
        new TokenRejectedEvent(
            EventContext.capture(clock),
            rejection.reason(),
            rejection.detail(),
            Optional.ofNullable(issuer)));
  }

  private Actor verifyOrThrow(String token) throws Rejected {
    if (token.length() > maxTokenLength) {
      throw new Rejected(
          Reason.OVERSIZED,
          "token has " + token.length() + " characters, more than the maximum " + maxTokenLength);
    }
    Instant now = clock.instant();
    VerifiedTokenCache.Key cacheKey = null;
    if (cache != null) {
      cacheKey = cache.keyOf(token);
      VerifiedTokenCache.Entry hit = cache.get(cacheKey, now);
      if (hit != null) {
        checkRevocation(hit.issuer(), hit.sessionId());
        return hit.actor();
      }
    }
    String[] parts = split(token);
    String headerJson = decode(parts[0], "header");
    String claimsJson = decode(parts[1], "claims");
    strictJson(headerJson, "header");
    strictJson(claimsJson, "claims");
    Map<String, Object> headerMap;
    try {
      headerMap = JSONObjectUtils.parse(headerJson);
    } catch (ParseException | RuntimeException e) {
      throw new Rejected(Reason.MALFORMED, "header is not a JSON object");
    }
    JWSHeader header = checkHeader(headerMap, parts[0]);
    if (parts[2].isEmpty()) {
      throw new Rejected(Reason.BAD_SIGNATURE, "signature is empty");
    }
    JWTClaimsSet claims;
    try {
      claims = JWTClaimsSet.parse(claimsJson);
    } catch (ParseException | RuntimeException e) {
      throw new Rejected(
          Reason.INVALID_CLAIMS,
          "claims have the wrong types: " + StrictJson.safe(String.valueOf(e.getMessage()), 160));
    }
    String issuerName = claims.getIssuer();
    if (issuerName == null) {
      throw new Rejected(Reason.WRONG_ISSUER, "token has no iss");
    }
    TrustedIssuer issuer = issuers.get(issuerName);
    if (issuer == null) {
      throw new Rejected(
          Reason.WRONG_ISSUER, "iss '" + StrictJson.safe(issuerName) + "' is not trusted");
    }
    verifySignature(header, parts, issuer);
    Instant expiresAt = checkTimes(claims, now, issuerName);
    List<String> audiences = claims.getAudience();
    if (audiences == null || !audiences.contains(audience)) {
      throw new Rejected(
          Reason.WRONG_AUDIENCE,
          audiences == null || audiences.isEmpty()
              ? "token has no aud"
              : "aud does not contain '" + audience + "'",
          issuerName);
    }
    String subject = claims.getSubject();
    if (subject == null || subject.isBlank()) {
      throw new Rejected(Reason.MISSING_SUBJECT, "token has no sub", issuerName);
    }
    String sessionId = sessionIdOf(claims, issuerName);
    checkRevocation(issuerName, sessionId);
    Actor actor = toActor(subject, claims, issuer);
    if (cache != null && cacheKey != null) {
      Instant cacheUntil = now.plus(cacheMaxTtl);
      cache.put(
          cacheKey,
          new VerifiedTokenCache.Entry(
              actor,
              issuerName,
              sessionId,
              expiresAt.isBefore(cacheUntil) ? expiresAt : cacheUntil));
    }
    return actor;
  }

  private static String[] split(String token) throws Rejected {
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (first < 0 || second < 0) {
      throw new Rejected(Reason.MALFORMED, "token is not three dot-separated parts");
    }
    if (token.indexOf('.', second + 1) >= 0) {
      throw new Rejected(
          Reason.MALFORMED, "token has more than three parts; encrypted tokens are not accepted");
    }
    String[] parts = {
      token.substring(0, first), token.substring(first + 1, second), token.substring(second + 1)
    };
    String[] names = {"header", "claims", "signature"};
    for (int i = 0; i < 3; i++) {
      if (!isBase64UrlAlphabet(parts[i]) || parts[i].length() % 4 == 1) {
        throw new Rejected(Reason.MALFORMED, names[i] + " is not unpadded base64url");
      }
      if (!isCanonical(parts[i])) {
        throw new Rejected(
            Reason.MALFORMED, names[i] + " is not canonical base64url (unused bits are set)");
      }
    }
    if (parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new Rejected(Reason.MALFORMED, "header or claims are empty");
    }
    return parts;
  }

  /** Whether every character is in the base64url alphabet {@code [A-Za-z0-9_-]}. */
  static boolean isBase64UrlAlphabet(String part) {
    for (int i = 0, n = part.length(); i < n; i++) {
      char c = part.charAt(i);
      if (!((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the unused low bits of the last character are zero, so that no second spelling of the
   * same bytes exists (a token is malleable otherwise).
   */
  private static boolean isCanonical(String part) {
    int rest = part.length() % 4;
    if (rest == 0) {
      return true;
    }
    char last = part.charAt(part.length() - 1);
    int value;
    if (last >= 'A' && last <= 'Z') {
      value = last - 'A';
    } else if (last >= 'a' && last <= 'z') {
      value = last - 'a' + 26;
    } else if (last >= '0' && last <= '9') {
      value = last - '0' + 52;
    } else {
      value = last == '-' ? 62 : 63;
    }
    int unusedBits = rest == 2 ? 0x0F : 0x03;
    return (value & unusedBits) == 0;
  }

  private static String decode(String part, String name) throws Rejected {
    try {
      byte[] bytes = java.util.Base64.getUrlDecoder().decode(part);
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (IllegalArgumentException | CharacterCodingException e) {
      throw new Rejected(Reason.MALFORMED, name + " is not base64url-encoded UTF-8");
    }
  }

  private void strictJson(String json, String name) throws Rejected {
    try {
      StrictJson.check(json, maxJsonDepth);
    } catch (StrictJson.Violation violation) {
      throw new Rejected(violation.reason(), name + ": " + violation.getMessage());
    }
  }

  private JWSHeader checkHeader(Map<String, Object> header, String encodedHeader) throws Rejected {
    Object alg = header.get("alg");
    if (!(alg instanceof String name)) {
      throw new Rejected(Reason.MALFORMED, "header has no alg");
    }
    if (name.strip().equalsIgnoreCase("none")) {
      throw new Rejected(Reason.ALGORITHM_NONE, "alg none: the token is not signed");
    }
    if (!algorithms.contains(name)) {
      throw new Rejected(
          Reason.ALGORITHM_NOT_ALLOWED,
          "alg '" + StrictJson.safe(name) + "' is not in the allow-list " + algorithms);
    }
    for (String embedded : EMBEDDED_KEY_HEADERS) {
      if (header.containsKey(embedded)) {
        throw new Rejected(
            Reason.EMBEDDED_KEY,
            "header carries '" + embedded + "'; keys are only taken from the trusted issuer");
      }
    }
    if (header.containsKey("crit") || header.containsKey("b64")) {
      throw new Rejected(
          Reason.UNKNOWN_CRITICAL_HEADER,
          "header has critical parameters this verifier does not understand: "
              + StrictJson.safe(String.valueOf(header.getOrDefault("crit", "b64"))));
    }
    Object typ = header.get("typ");
    if (typ == null) {
      if (typeRequired) {
        throw new Rejected(Reason.WRONG_TYPE, "header has no typ; '" + requiredType + "' required");
      }
    } else if (!(typ instanceof String type)
        || !normalizeType(type).equals(normalizeType(requiredType))) {
      throw new Rejected(
          Reason.WRONG_TYPE,
          "typ '" + StrictJson.safe(String.valueOf(typ)) + "' is not '" + requiredType + "'");
    }
    Object kid = header.get("kid");
    if (kid != null) {
      if (!(kid instanceof String keyId)
          || !KEY_ID.matcher(keyId).matches()
          || keyId.contains("..")) {
        throw new Rejected(
            Reason.INVALID_KEY_ID,
            "kid '" + StrictJson.safe(String.valueOf(kid)) + "' is malformed");
      }
    }
    try {
      return JWSHeader.parse(header, new Base64URL(encodedHeader));
    } catch (ParseException | RuntimeException e) {
      throw new Rejected(
          Reason.MALFORMED,
          "header is not a valid JWS header: "
              + StrictJson.safe(String.valueOf(e.getMessage()), 160));
    }
  }

  private static String normalizeType(String type) {
    String lower = type.toLowerCase(Locale.ROOT);
    return lower.startsWith("application/") ? lower.substring("application/".length()) : lower;
  }

  private void verifySignature(JWSHeader header, String[] parts, TrustedIssuer issuer)
      throws Rejected {
    String issuerName = issuer.issuer();
    List<JWK> candidates;
    try {
      candidates = issuer.keys().get(new JWKSelector(JWKMatcher.forJWSHeader(header)), null);
    } catch (RateLimitReachedException e) {
      throw new Rejected(
          Reason.UNKNOWN_KEY,
          "no key for kid '" + header.getKeyID() + "' and refetch is rate limited",
          issuerName);
    } catch (KeySourceException e) {
      throw new Rejected(
          Reason.KEY_SOURCE_UNAVAILABLE,
          "keys of the issuer cannot be loaded: " + UrlSecrets.redact(e.getMessage()),
          issuerName);
    }
    if (candidates == null || candidates.isEmpty()) {
      throw new Rejected(
          Reason.UNKNOWN_KEY,
          "issuer has no " + header.getAlgorithm() + " key with kid '" + header.getKeyID() + "'",
          issuerName);
    }
    SignedJWT jwt;
    try {
      jwt =
          new SignedJWT(new Base64URL(parts[0]), new Base64URL(parts[1]), new Base64URL(parts[2]));
    } catch (ParseException e) {
      throw new Rejected(
          Reason.MALFORMED,
          "token cannot be parsed: " + StrictJson.safe(String.valueOf(e.getMessage()), 160),
          issuerName);
    }
    for (JWK candidate : candidates) {
      Key key = publicKeyOf(candidate);
      if (key == null) {
        continue;
      }
      try {
        JWSVerifier verifier = verifierFactory.createJWSVerifier(header, key);
        if (jwt.verify(verifier)) {
          return;
        }
      } catch (JOSEException | IllegalStateException e) {
        // guardrails:allow-swallow: one unusable candidate key; the token is still rejected below
        // as BAD_SIGNATURE (logged and published) unless another candidate verifies it
        LOG.debug("signature check with key '{}' failed", candidate.getKeyID(), e);
      }
    }
    throw new Rejected(Reason.BAD_SIGNATURE, "signature does not verify", issuerName);
  }

  /**
   * The Java public key of a JWK, converted once per distinct JWK (JWKs are immutable and compared
   * by content, so an equal JWK always converts to an equal key). The memo is bounded: past {@link
   * #MAX_CONVERTED_KEYS} entries, e.g. after many key rotations, it starts over.
   */
  private @Nullable Key publicKeyOf(JWK jwk) {
    Key known = convertedKeys.get(jwk);
    if (known != null) {
      return known;
    }
    Key converted = convertPublicKey(jwk);
    if (converted != null) {
      if (convertedKeys.size() >= MAX_CONVERTED_KEYS) {
        convertedKeys.clear();
      }
      convertedKeys.put(jwk, converted);
    }
    return converted;
  }

  private static @Nullable Key convertPublicKey(JWK jwk) {
    try {
      if (jwk instanceof RSAKey rsa) {
        return rsa.toRSAPublicKey();
      }
      if (jwk instanceof ECKey ec) {
        return ec.toECPublicKey();
      }
    } catch (JOSEException e) {
      LOG.warn("key '{}' cannot be used: {}", jwk.getKeyID(), e.getMessage());
    }
    return null;
  }

  private Instant checkTimes(JWTClaimsSet claims, Instant now, String issuer) throws Rejected {
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw new Rejected(Reason.MISSING_EXPIRATION, "token has no exp", issuer);
    }
    Instant expiresAt = exp.toInstant();
    if (!now.minus(clockSkew).isBefore(expiresAt)) {
      throw new Rejected(Reason.EXPIRED, "token expired at " + expiresAt, issuer);
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && nbf.toInstant().isAfter(now.plus(clockSkew))) {
      throw new Rejected(Reason.NOT_YET_VALID, "token not valid before " + nbf.toInstant(), issuer);
    }
    Date iat = claims.getIssueTime();
    if (iat != null && iat.toInstant().isAfter(now.plus(clockSkew))) {
      throw new Rejected(Reason.ISSUED_IN_FUTURE, "token issued at " + iat.toInstant(), issuer);
    }
    return expiresAt;
  }

  private static @Nullable String sessionIdOf(JWTClaimsSet claims, String issuer) throws Rejected {
    try {
      String sid = claims.getStringClaim("sid");
      return sid != null ? sid : claims.getJWTID();
    } catch (ParseException e) {
      throw new Rejected(Reason.INVALID_CLAIMS, "sid is not a string", issuer);
    }
  }

  private void checkRevocation(String issuer, @Nullable String sessionId) throws Rejected {
    if (revocationCheck == null || sessionId == null) {
      return;
    }
    boolean revoked;
    try {
      revoked = revocationCheck.isRevoked(issuer, sessionId);
    } catch (RuntimeException e) {
      LOG.error("revocation check failed; refusing the token", e);
      throw new Rejected(
          Reason.REVOKED, "revocation cannot be checked, so the session counts as revoked", issuer);
    }
    if (revoked) {
      throw new Rejected(
          Reason.REVOKED, "session '" + StrictJson.safe(sessionId) + "' was revoked", issuer);
    }
  }

  private Actor toActor(String subject, JWTClaimsSet claims, TrustedIssuer trusted)
      throws Rejected {
    String issuer = trusted.issuer();
    try {
      String tenant = tenantOf(claims, trusted);
      List<String> roles = rolesOf(claims, issuer);
      ActorKind kind = ActorKind.PERSON;
      if (kindClaim != null) {
        String value = claims.getStringClaim(kindClaim);
        if (value != null) {
          kind = kindOf(value, issuer);
        }
      }
      return switch (kind) {
        case PERSON -> Actor.person(subject, tenant, roles);
        case SERVICE -> Actor.service(subject, tenant, roles);
        case JOB -> Actor.job(subject, tenant);
      };
    } catch (ParseException e) {
      throw new Rejected(
          Reason.INVALID_CLAIMS,
          "a claim has the wrong type: " + StrictJson.safe(String.valueOf(e.getMessage()), 160),
          issuer);
    } catch (IllegalArgumentException e) {
      throw new Rejected(
          Reason.INVALID_CLAIMS,
          "claims cannot form an actor: " + StrictJson.safe(String.valueOf(e.getMessage()), 160),
          issuer);
    }
  }

  private String tenantOf(JWTClaimsSet claims, TrustedIssuer trusted)
      throws Rejected, ParseException {
    String issuer = trusted.issuer();
    if (fixedTenant != null) {
      return fixedTenant;
    }
    String claimed = claims.getStringClaim(tenantClaim);
    Optional<String> bound = trusted.tenant();
    if (bound.isPresent()) {
      if (claimed != null && !claimed.equals(bound.get())) {
        throw new Rejected(
            Reason.INVALID_CLAIMS,
            tenantClaim
                + " '"
                + StrictJson.safe(claimed)
                + "' is not the tenant this issuer is bound to",
            issuer);
      }
      return bound.get();
    }
    if (claimed == null) {
      throw new Rejected(Reason.INVALID_CLAIMS, "token has no " + tenantClaim + " claim", issuer);
    }
    return claimed;
  }

  private List<String> rolesOf(JWTClaimsSet claims, String issuer) throws Rejected {
    Object value = claims.getClaim(rolesClaim);
    if (value == null) {
      return List.of();
    }
    if (value instanceof String text) {
      List<String> roles = new ArrayList<>();
      int start = 0;
      while (start <= text.length()) {
        int space = text.indexOf(' ', start);
        int end = space < 0 ? text.length() : space;
        if (end > start) {
          roles.add(text.substring(start, end));
        }
        start = end + 1;
      }
      return roles;
    }
    if (value instanceof List<?> list) {
      List<String> roles = new ArrayList<>(list.size());
      for (Object role : list) {
        if (!(role instanceof String name)) {
          throw new Rejected(Reason.INVALID_CLAIMS, rolesClaim + " must hold only strings", issuer);
        }
        roles.add(name);
      }
      return roles;
    }
    throw new Rejected(
        Reason.INVALID_CLAIMS, rolesClaim + " must be an array of strings or a string", issuer);
  }

  private static ActorKind kindOf(String value, String issuer) throws Rejected {
    for (ActorKind kind : ActorKind.values()) {
      if (kind.name().equalsIgnoreCase(value)) {
        return kind;
      }
    }
    throw new Rejected(
        Reason.INVALID_CLAIMS, "actor kind '" + StrictJson.safe(value) + "' is unknown", issuer);
  }

  @Override
  public String toString() {
    return "JwtVerifier[issuers=" + issuers.keySet() + " audience=" + audience + "]";
  }

  /** A rejection travelling up the verification steps; no stack trace. */
  private static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // never serialized
    final TokenRejection rejection;

    final @Nullable String issuer;

    Rejected(Reason reason, String detail) {
      this(reason, detail, null);
    }

    Rejected(Reason reason, String detail, @Nullable String issuer) {
      super(detail, null, false, false);
      this.rejection = TokenRejection.of(reason, detail);
      this.issuer = issuer;
    }
  }

  /**
   * Builds a {@link JwtVerifier}. At least one trusted issuer and the audience are required; every
   * other setting has a strict default. Not thread-safe; {@link #build()} copies the settings.
   */
  public static final class Builder {
    private final Map<String, TrustedIssuer> issuers = new LinkedHashMap<>();
    private @Nullable String audience;
    private List<JWSAlgorithm> algorithms = DEFAULT_ALGORITHMS;
    private String requiredType = "JWT";
    private boolean allowMissingType;
    private Duration clockSkew = Duration.ofSeconds(60);
    private int maxTokenLength = 8 * 1024;
    private int maxJsonDepth = 8;
    private String tenantClaim = "tenant";
    private boolean tenantClaimSet;
    private @Nullable String fixedTenant;
    private String rolesClaim = "roles";
    private @Nullable String kindClaim;
    private @Nullable RevocationCheck revocationCheck;
    private int cacheMaxEntries;
    private Duration cacheMaxTtl = Duration.ofMinutes(5);
    private Clock clock = Clock.systemUTC();
    private EventSink eventSink = EventSink.noop();

    private Builder() {}

    /**
     * Trusts an issuer; its tokens are checked against its keys only.
     *
     * @param issuer the issuer
     * @return this builder
     * @throws NullPointerException if the issuer is null
     * @throws IllegalArgumentException if an issuer with the same {@code iss} is already trusted
     */
    public Builder trust(TrustedIssuer issuer) {
      Objects.requireNonNull(issuer, "issuer");
      if (issuers.putIfAbsent(issuer.issuer(), issuer) != null) {
        throw new IllegalArgumentException(
            "issuer '" + issuer.issuer() + "' must be trusted once, but was added twice");
      }
      return this;
    }

    /**
     * Sets the audience this service is; a token's {@code aud} must contain it. Required.
     *
     * @param audience e.g. {@code https://api.example.com}
     * @return this builder
     * @throws IllegalArgumentException if blank
     */
    public Builder audience(String audience) {
      this.audience = requireNonBlank(audience, "audience");
      return this;
    }

    /**
     * Replaces the algorithm allow-list (default: RS256/384/512, PS256/384/512, ES256/384/512).
     *
     * @param allowed asymmetric JWS algorithms
     * @return this builder
     * @throws IllegalArgumentException if the list is empty or holds {@code none}, an HMAC
     *     algorithm (the keys are asymmetric, so HMAC would open key confusion) or EdDSA (not
     *     supported)
     */
    public Builder algorithms(JWSAlgorithm... allowed) {
      Objects.requireNonNull(allowed, "allowed");
      if (allowed.length == 0) {
        throw new IllegalArgumentException("algorithm allow-list must not be empty");
      }
      for (JWSAlgorithm algorithm : allowed) {
        Objects.requireNonNull(algorithm, "algorithm");
        if (!DEFAULT_ALGORITHMS.contains(algorithm)) {
          throw new IllegalArgumentException(
              "algorithms must be asymmetric RSA or EC signatures "
                  + DEFAULT_ALGORITHMS
                  + ", but was '"
                  + algorithm
                  + "'");
        }
      }
      this.algorithms = List.of(allowed);
      return this;
    }

    /**
     * Sets the required {@code typ} header (default {@code JWT}; {@code application/} prefix and
     * case are ignored), e.g. {@code at+jwt} for OAuth access tokens (RFC 9068).
     *
     * @param type the type
     * @return this builder
     * @throws IllegalArgumentException if blank
     */
    public Builder requireType(String type) {
      this.requiredType = requireNonBlank(type, "type");
      return this;
    }

    /**
     * Accepts tokens without a {@code typ} header (some issuers omit it); a present {@code typ}
     * must still match. Loosens a default.
     *
     * @return this builder
     */
    public Builder allowMissingTyp() {
      this.allowMissingType = true;
      return this;
    }

    /**
     * Sets the tolerated clock difference for {@code exp}, {@code nbf} and {@code iat} (default 60
     * seconds).
     *
     * @param skew between zero and 5 minutes
     * @return this builder
     * @throws IllegalArgumentException if negative or above 5 minutes
     */
    public Builder clockSkew(Duration skew) {
      Objects.requireNonNull(skew, "skew");
      if (skew.isNegative() || skew.compareTo(MAX_CLOCK_SKEW) > 0) {
        throw new IllegalArgumentException(
            "clock skew must be between 0 and 5 minutes, but was " + skew);
      }
      this.clockSkew = skew;
      return this;
    }

    /**
     * Sets the longest token accepted, in characters (default 8192).
     *
     * @param length between 256 and 65536
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxTokenLength(int length) {
      if (length < 256 || length > 65536) {
        throw new IllegalArgumentException(
            "max token length must be between 256 and 65536, but was " + length);
      }
      this.maxTokenLength = length;
      return this;
    }

    /**
     * Sets the deepest JSON nesting accepted in the header and the claims (default 8).
     *
     * @param depth between 2 and 64
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxJsonDepth(int depth) {
      if (depth < 2 || depth > 64) {
        throw new IllegalArgumentException(
            "max json depth must be between 2 and 64, but was " + depth);
      }
      this.maxJsonDepth = depth;
      return this;
    }

    /**
     * Sets the claim holding the actor's tenant (default {@code tenant}).
     *
     * @param claim the claim name
     * @return this builder
     * @throws IllegalArgumentException if blank
     * @throws IllegalStateException if a fixed tenant is set
     */
    public Builder tenantClaim(String claim) {
      if (fixedTenant != null) {
        throw new IllegalStateException("tenant claim cannot be combined with a fixed tenant");
      }
      this.tenantClaim = requireNonBlank(claim, "claim");
      this.tenantClaimSet = true;
      return this;
    }

    /**
     * Puts every actor in one tenant, for single-tenant applications whose tokens carry no tenant.
     *
     * @param tenantId the tenant
     * @return this builder
     * @throws IllegalArgumentException if blank
     * @throws IllegalStateException if a tenant claim is set
     */
    public Builder fixedTenant(String tenantId) {
      if (tenantClaimSet) {
        throw new IllegalStateException("fixed tenant cannot be combined with a tenant claim");
      }
      this.fixedTenant = requireNonBlank(tenantId, "tenantId");
      return this;
    }

    /**
     * Sets the claim holding the roles (default {@code roles}).
     *
     * @param claim the claim name
     * @return this builder
     * @throws IllegalArgumentException if blank
     */
    public Builder rolesClaim(String claim) {
      this.rolesClaim = requireNonBlank(claim, "claim");
      return this;
    }

    /**
     * Sets a claim holding the actor kind ({@code person}, {@code service} or {@code job}); without
     * it every actor is a person.
     *
     * @param claim the claim name
     * @return this builder
     * @throws IllegalArgumentException if blank
     */
    public Builder kindClaim(String claim) {
      this.kindClaim = requireNonBlank(claim, "claim");
      return this;
    }

    /**
     * Checks every token's session ({@code sid}, else {@code jti}) against revocations.
     *
     * @param check the check
     * @return this builder
     */
    public Builder revocationCheck(RevocationCheck check) {
      this.revocationCheck = Objects.requireNonNull(check, "check");
      return this;
    }

    /**
     * Caches verified tokens by a secret-keyed 128-bit hash of the whole token (never of the
     * signature alone), so a token seen again skips parsing and signature checks. An entry lives
     * until the token's {@code exp} or for {@code maxTtl}, whichever comes first; revocation is
     * still checked on every hit.
     *
     * @param maxEntries at least 1
     * @param maxTtl positive
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder cacheVerifiedTokens(int maxEntries, Duration maxTtl) {
      Objects.requireNonNull(maxTtl, "maxTtl");
      if (maxEntries < 1) {
        throw new IllegalArgumentException(
            "cache max entries must be at least 1, but was " + maxEntries);
      }
      if (maxTtl.isNegative() || maxTtl.isZero()) {
        throw new IllegalArgumentException("cache max ttl must be positive, but was " + maxTtl);
      }
      this.cacheMaxEntries = maxEntries;
      this.cacheMaxTtl = maxTtl;
      return this;
    }

    /**
     * Sets the clock for {@code exp}, {@code nbf} and {@code iat} (default UTC system clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets where {@link TokenRejectedEvent}s go (default nowhere; rejections are always logged). A
     * sink that throws is logged and skipped.
     *
     * @param sink the sink
     * @return this builder
     */
    public Builder eventSink(EventSink sink) {
      this.eventSink = EventSinks.failSafe(Objects.requireNonNull(sink, "sink"));
      return this;
    }

    /**
     * Builds the verifier.
     *
     * @return the verifier
     * @throws IllegalStateException if no issuer is trusted, no audience is set, or an issuer is
     *     bound to another tenant than the fixed tenant
     */
    public JwtVerifier build() {
      if (issuers.isEmpty()) {
        throw new IllegalStateException("a jwt verifier needs at least one trusted issuer");
      }
      if (audience == null) {
        throw new IllegalStateException("a jwt verifier needs an audience; call audience(...)");
      }
      for (TrustedIssuer issuer : issuers.values()) {
        Optional<String> bound = issuer.tenant();
        if (fixedTenant != null && bound.isPresent() && !bound.get().equals(fixedTenant)) {
          throw new IllegalStateException(
              "issuer '"
                  + issuer.issuer()
                  + "' is bound to tenant '"
                  + bound.get()
                  + "', but every actor is put in the fixed tenant '"
                  + fixedTenant
                  + "'; bind it to that tenant or drop the fixed tenant");
        }
      }
      return new JwtVerifier(this);
    }

    private static String requireNonBlank(String value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank");
      }
      return value;
    }
  }
}
