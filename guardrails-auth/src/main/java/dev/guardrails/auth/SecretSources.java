package dev.guardrails.auth;

import dev.guardrails.auth.spi.SecretSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The built-in {@link SecretSource}s: environment variables, files in a directory of mounted
 * secrets, files named by {@code NAME_FILE} variables, and an ordered composition of sources.
 *
 * <pre>{@code
 * SecretSource secrets = SecretSources.firstOf(
 *     SecretSources.files(Path.of("/run/secrets")), SecretSources.environment());
 * Secret stripe = policy.check(secrets.require("STRIPE_SECRET_KEY"));
 * }</pre>
 *
 * <p>An empty or blank value counts as missing. Stateless and thread-safe.
 */
public final class SecretSources {

  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
  private static final long MAX_FILE_BYTES = 64 * 1024;

  private SecretSources() {}

  /** {@return a source reading the process's environment variables} */
  public static SecretSource environment() {
    return environment(System.getenv(), "environment variables");
  }

  /**
   * Returns a source reading a map of variables, e.g. a test's fake environment.
   *
   * @param variables the variables; copied
   * @return the source
   * @throws NullPointerException if the map is null
   */
  public static SecretSource environment(Map<String, String> variables) {
    return environment(variables, "environment variables");
  }

  private static SecretSource environment(Map<String, String> variables, String description) {
    Map<String, String> copy = Map.copyOf(Objects.requireNonNull(variables, "variables"));
    return new SecretSource() {
      @Override
      public Optional<Secret> find(String name) {
        Secret.requireName(name);
        String value = copy.get(name);
        return value == null || value.isBlank()
            ? Optional.empty()
            : Optional.of(
                Secret.fromSource(
                    name,
                    value.strip(),
                    Secret.Origin.ENVIRONMENT,
                    "environment variable " + name));
      }

      @Override
      public String describe() {
        return description;
      }
    };
  }

  /**
   * Returns a source reading one file per secret from a directory of mounted secrets (Kubernetes,
   * Docker {@code /run/secrets}): the file named like the secret, or like its lower-case form.
   * Trailing line breaks are dropped; files above 64 KiB are refused.
   *
   * @param directory the directory
   * @return the source
   * @throws NullPointerException if the directory is null
   */
  public static SecretSource files(Path directory) {
    Objects.requireNonNull(directory, "directory");
    return new SecretSource() {
      @Override
      public Optional<Secret> find(String name) {
        Secret.requireName(name);
        if (!FILE_NAME.matcher(name).matches() || name.startsWith(".")) {
          return Optional.empty();
        }
        for (String candidate : List.of(name, name.toLowerCase(Locale.ROOT))) {
          Path file = directory.resolve(candidate);
          if (Files.isRegularFile(file)) {
            return read(name, file);
          }
        }
        return Optional.empty();
      }

      @Override
      public String describe() {
        return "files under " + directory;
      }
    };
  }

  /**
   * Returns a source following {@code NAME_FILE} variables (the convention of official Docker
   * images): the secret {@code DB_PASSWORD} is read from the file that {@code DB_PASSWORD_FILE}
   * names.
   *
   * @param variables the variables, e.g. {@code System.getenv()}; copied
   * @return the source
   * @throws NullPointerException if the map is null
   */
  public static SecretSource fileReferences(Map<String, String> variables) {
    Map<String, String> copy = Map.copyOf(Objects.requireNonNull(variables, "variables"));
    return new SecretSource() {
      @Override
      public Optional<Secret> find(String name) {
        Secret.requireName(name);
        String path = copy.get(name + "_FILE");
        if (path == null || path.isBlank()) {
          return Optional.empty();
        }
        Path file = Path.of(path.strip());
        if (!Files.isRegularFile(file)) {
          throw new IllegalStateException(
              "secret '" + name + "': " + name + "_FILE names '" + file + "', which is not a file");
        }
        return read(name, file);
      }

      @Override
      public String describe() {
        return "files named by *_FILE variables";
      }
    };
  }

  /**
   * Composes sources: a secret comes from the first source that has it.
   *
   * @param sources the sources, in order of precedence
   * @return the composed source
   * @throws IllegalArgumentException if no source is given
   */
  public static SecretSource firstOf(SecretSource... sources) {
    List<SecretSource> list = List.of(Objects.requireNonNull(sources, "sources"));
    if (list.isEmpty()) {
      throw new IllegalArgumentException("at least one secret source is needed");
    }
    return new SecretSource() {
      @Override
      public Optional<Secret> find(String name) {
        for (SecretSource source : list) {
          Optional<Secret> found = source.find(name);
          if (found.isPresent()) {
            return found;
          }
        }
        return Optional.empty();
      }

      @Override
      public String describe() {
        StringBuilder description = new StringBuilder();
        for (SecretSource source : list) {
          description.append(description.length() == 0 ? "" : ", ").append(source.describe());
        }
        return description.toString();
      }
    };
  }

  private static Optional<Secret> read(String name, Path file) {
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new IllegalStateException(
            "secret '" + name + "' in '" + file + "' is larger than " + MAX_FILE_BYTES + " bytes");
      }
      String value = Files.readString(file, StandardCharsets.UTF_8);
      int end = value.length();
      while (end > 0 && (value.charAt(end - 1) == '\n' || value.charAt(end - 1) == '\r')) {
        end--;
      }
      value = value.substring(0, end);
      return value.isBlank()
          ? Optional.empty()
          : Optional.of(
              Secret.fromSource(
                  name,
                  value,
                  Secret.Origin.FILE,
                  "file " + file.toRealPath(LinkOption.NOFOLLOW_LINKS)));
    } catch (IOException e) {
      throw new IllegalStateException(
          "secret '"
              + name
              + "' cannot be read from '"
              + file
              + "': "
              + e.getClass().getSimpleName(),
          e);
    }
  }
}
