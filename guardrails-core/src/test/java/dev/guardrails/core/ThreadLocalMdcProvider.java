package dev.guardrails.core;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider of the tests: slf4j-simple's loggers with a real, thread-local MDC
 * (slf4j-simple ships a no-op MDC, which would make every MDC assertion pass vacuously). Registered
 * through META-INF/services; the test classes come first on the class path, so SLF4J picks it.
 */
public final class ThreadLocalMdcProvider implements SLF4JServiceProvider {

  private final SimpleServiceProvider simple = new SimpleServiceProvider();
  private final MDCAdapter mdc = new ThreadLocalMdcAdapter();

  @Override
  public ILoggerFactory getLoggerFactory() {
    return simple.getLoggerFactory();
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return simple.getMarkerFactory();
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return simple.getRequestedApiVersion();
  }

  @Override
  public void initialize() {
    simple.initialize();
  }
}
