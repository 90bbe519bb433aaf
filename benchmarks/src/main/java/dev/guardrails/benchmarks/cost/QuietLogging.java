package dev.guardrails.benchmarks.cost;

import java.lang.reflect.InvocationTargetException;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets Logback's root logger to WARN, so HikariCP's and embedded PostgreSQL's debug output
 * (Logback's default configuration logs everything to the console) does not run during the
 * measurement. Logback is a runtime-only dependency of the benchmarks module, hence reflection;
 * another backend is left as is.
 */
final class QuietLogging {

  private QuietLogging() {}

  /**
   * Sets the root logger to WARN when the backend is Logback.
   *
   * @throws IllegalStateException if Logback's API cannot be called
   */
  static void rootAtWarn() {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!factory.getClass().getName().equals("ch.qos.logback.classic.LoggerContext")) {
      return;
    }
    try {
      Class<?> levelClass = Class.forName("ch.qos.logback.classic.Level");
      Object root = factory.getLogger(Logger.ROOT_LOGGER_NAME);
      root.getClass()
          .getMethod("setLevel", levelClass)
          .invoke(root, levelClass.getField("WARN").get(null));
    } catch (ClassNotFoundException
        | NoSuchMethodException
        | NoSuchFieldException
        | IllegalAccessException
        | InvocationTargetException e) {
      throw new IllegalStateException("cannot configure Logback for the benchmark", e);
    }
  }
}
