package org.opentelephony.media.ice;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.ice4j.TransportAddress;
import org.ice4j.ice.harvest.SinglePortUdpHarvester;
import org.ice4j.util.Buffer;

/**
 * ice4j's shared-port harvester, counting the Binding requests from new addresses that name no
 * live leg's ufrag. ice4j drops those silently; this subclass is the only place they are visible.
 */
final class CountingHarvester extends SinglePortUdpHarvester {
  private final IceCounters counters;

  CountingHarvester(TransportAddress address, IceCounters counters) throws IOException {
    super(address);
    this.counters = counters;
  }

  @Override
  protected MySocket maybeAcceptNewSession(Buffer buf, InetSocketAddress remote, String ufrag) {
    MySocket s = super.maybeAcceptNewSession(buf, remote, ufrag);
    if (s == null) {
      counters.unknownUfrag.increment();
    }
    return s;
  }
}
