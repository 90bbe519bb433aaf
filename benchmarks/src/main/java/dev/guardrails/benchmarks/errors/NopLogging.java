package dev.guardrails.benchmarks.errors;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes named loggers to a Logback {@code NOPAppender} and silences everything else, so a
 * benchmark measures building and dispatching the logging event without console I/O.
 *
 * <p>Logback is a runtime-only dependency of the benchmarks module, hence reflection. Fails loudly
 * if the SLF4J backend is not Logback, rather than measuring another backend by accident.
 */
final class NopLogging {

  private NopLogging() {}

  /**
   * Sets the root logger to OFF and each named logger to INFO, non-additive, with a started
   * NOPAppender.
   *
   * @param loggerNames the loggers whose events must still be built and appended
   * @throws IllegalStateException if the backend is not Logback or its API changed
   */
  static void routeToNop(String... loggerNames) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    try {
      Class<?> contextClass = Class.forName("ch.qos.logback.classic.LoggerContext");
      if (!contextClass.isInstance(factory)) {
        throw new IllegalStateException(
            "the SLF4J backend must be Logback, but was " + factory.getClass().getName());
      }
      Class<?> levelClass = Class.forName("ch.qos.logback.classic.Level");
      Class<?> loggerClass = Class.forName("ch.qos.logback.classic.Logger");
      Method setLevel = loggerClass.getMethod("setLevel", levelClass);
      setLevel.invoke(
          factory.getLogger(Logger.ROOT_LOGGER_NAME), levelClass.getField("OFF").get(null));
      Object info = levelClass.getField("INFO").get(null);
      Class<?> appenderClass = Class.forName("ch.qos.logback.core.helpers.NOPAppender");
      Class<?> coreContext = Class.forName("ch.qos.logback.core.Context");
      Class<?> appenderInterface = Class.forName("ch.qos.logback.core.Appender");
      for (String name : loggerNames) {
        Object logger = factory.getLogger(name);
        Object appender = appenderClass.getConstructor().newInstance();
        appenderClass.getMethod("setContext", coreContext).invoke(appender, factory);
        appenderClass.getMethod("setName", String.class).invoke(appender, "nop-" + name);
        appenderClass.getMethod("start").invoke(appender);
        setLevel.invoke(logger, info);
        loggerClass.getMethod("setAdditive", boolean.class).invoke(logger, false);
        loggerClass.getMethod("addAppender", appenderInterface).invoke(logger, appender);
      }
    } catch (ClassNotFoundException
        | NoSuchMethodException
        | NoSuchFieldException
        | IllegalAccessException
        | InstantiationException
        | InvocationTargetException e) {
      throw new IllegalStateException("cannot configure Logback for the benchmark", e);
    }
  }
}
