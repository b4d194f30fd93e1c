package org.opentelephony.gateway.it;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports free on 127.0.0.1 for both UDP and TCP. JAIN-SIP refuses port 0, and SIPp needs an explicit
 * port too, so tests pick ports themselves (from a range no other test tool uses).
 */
final class FreePorts {
  private FreePorts() {
  }

  static int next() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(41000, 60000);
      if (free(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port found");
  }

  private static boolean free(int port) {
    InetAddress lo = InetAddress.getLoopbackAddress();
    try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(lo, port));
         ServerSocket tcp = new ServerSocket()) {
      udp.setReuseAddress(false);
      tcp.bind(new InetSocketAddress(lo, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
