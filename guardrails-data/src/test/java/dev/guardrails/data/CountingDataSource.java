package dev.guardrails.data;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/** Wraps a data source to count borrowed connections and record every statement prepared. */
final class CountingDataSource {

  private CountingDataSource() {}

  static DataSource counting(DataSource delegate, AtomicInteger borrowed) {
    return recording(delegate, borrowed, new CopyOnWriteArrayList<>());
  }

  /** Counts connections and records the SQL of each prepareStatement call, in order. */
  static DataSource recording(DataSource delegate, AtomicInteger borrowed, List<String> prepared) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (method.getName().equals("getConnection")) {
            borrowed.incrementAndGet();
            Connection connection = (Connection) invoke(delegate, method, args);
            return Proxy.newProxyInstance(
                CountingDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (p, m, a) -> {
                  if (m.getName().equals("prepareStatement")
                      || m.getName().equals("createStatement")) {
                    prepared.add(a == null ? "<statement>" : (String) a[0]);
                  }
                  return invoke(connection, m, a);
                });
          }
          return invoke(delegate, method, args);
        };
    return (DataSource)
        Proxy.newProxyInstance(
            CountingDataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, handler);
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
