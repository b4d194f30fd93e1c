package org.opentelephony.sip.registrar;

import java.util.List;

/** Durable storage of bindings. Writes may be applied asynchronously, in order. */
public interface BindingRepository {
  List<Binding> loadAll();

  void upsert(Binding b);

  void delete(String user, String contactUri);
}
