package org.opentelephony.gateway.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;

/** Base of integration test classes whose tests share one server with default settings. */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SharedServer {
  protected ServerFixture server;

  @BeforeAll
  void startServer() throws Exception {
    server = ServerFixture.start(java.util.Map.of());
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }
}
