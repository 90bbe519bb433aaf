package dev.guardrails.errors.json;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;

/**
 * A value the strict parser refuses although it is well-formed JSON (a string with an unpaired
 * surrogate escape, a number whose exponent is too large), with the path of the value and a problem
 * an end user can act on, which {@link StrictJson} reports as the field error.
 *
 * <p>Immutable.
 */
final class InvalidValueException extends JsonParseException {

  private static final long serialVersionUID = 1L;

  private final String path;
  private final String problem;
  private final boolean textError;

  /**
   * Creates the exception.
   *
   * @param parser the parser
   * @param path the value's path
   * @param problem what is wrong, for an end user
   * @param textError whether the document's text is wrong (no tree can be read from it), rather
   *     than one value being unacceptable
   */
  InvalidValueException(JsonParser parser, String path, String problem, boolean textError) {
    super(parser, path + ": " + problem);
    this.path = path;
    this.problem = problem;
    this.textError = textError;
  }

  /** {@return whether the document's text is wrong, so that no tree can be read from it} */
  boolean isTextError() {
    return textError;
  }

  /** {@return the value's path, as {@code items[2].amount}} */
  String path() {
    return path;
  }

  /** {@return what is wrong with the value, for an end user} */
  String problem() {
    return problem;
  }
}
