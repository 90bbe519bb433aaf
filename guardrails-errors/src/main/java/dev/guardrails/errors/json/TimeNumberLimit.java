package dev.guardrails.errors.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * Refuses a decimal number beyond the range of a {@code long} for a {@code java.time} type.
 * Jackson's {@code JavaTimeModule} reads such a number (epoch seconds of an {@code Instant}, {@code
 * OffsetDateTime} or {@code ZonedDateTime}, seconds of a {@code Duration}) as zero or as a value
 * cut to 64 bits, so {@code 1e1000000} would become 1970-01-01T00:00:00Z.
 *
 * <p>Stateless and thread-safe.
 */
final class TimeNumberLimit extends BeanDeserializerModifier {

  private static final long serialVersionUID = 1L;
  private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  @Override
  public JsonDeserializer<?> modifyDeserializer(
      DeserializationConfig config, BeanDescription description, JsonDeserializer<?> deserializer) {
    return description.getBeanClass().getName().startsWith("java.time.")
        ? new Guarded(deserializer)
        : deserializer;
  }

  /** The module's deserializer behind the range check. */
  private static final class Guarded extends DelegatingDeserializer {

    private static final long serialVersionUID = 1L;

    Guarded(JsonDeserializer<?> delegate) {
      super(delegate);
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
      return new Guarded(delegate);
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NUMBER_FLOAT) {
        BigDecimal value = p.getDecimalValue();
        if (value.abs().compareTo(MAX) > 0) {
          return ctxt.handleWeirdNumberValue(handledType(), value, "the number is out of range");
        }
      }
      return _delegatee.deserialize(p, ctxt);
    }
  }
}
