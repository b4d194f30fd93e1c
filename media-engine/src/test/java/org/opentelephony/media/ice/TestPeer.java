package org.opentelephony.media.ice;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.HostCandidate;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.RemoteCandidate;
import org.ice4j.ice.harvest.CandidateHarvester;
import org.ice4j.ice.harvest.HarvestStatistics;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.socket.MultiplexingDatagramSocket;

/**
 * The browser's side in tests: a plain ice4j Agent with one host candidate on 127.0.0.1 (ice4j's
 * own host harvester skips loopback, and a second single-port harvester would only get sockets
 * after a first incoming check). Reads application data from the component socket.
 */
final class TestPeer implements AutoCloseable {
  final Agent agent = new Agent();
  final IceMediaStream stream;
  final Component component;
  final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
  private final CountDownLatch completed = new CountDownLatch(1);
  private final Thread reader;

  TestPeer(boolean controlling, int port) throws IOException {
    agent.setControlling(controlling);
    agent.setUseDynamicPorts(false);
    agent.addCandidateHarvester(new LoopbackHarvester(port));
    agent.addStateChangeListener(ev -> {
      if (ev.getNewValue() == IceProcessingState.COMPLETED) {
        completed.countDown();
      }
    });
    stream = agent.createMediaStream("audio");
    component = agent.createComponent(stream, KeepAliveStrategy.SELECTED_ONLY, true);
    reader = new Thread(this::read, "test-peer-rx");
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    byte[] buf = new byte[1500];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    while (true) {
      try {
        p.setData(buf);
        component.getSocket().receive(p);
        received.add(Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength()));
      } catch (IOException e) {
        return;
      }
    }
  }

  String ufrag() {
    return agent.getLocalUfrag();
  }

  String pwd() {
    return agent.getLocalPassword();
  }

  int port() {
    return component.getLocalCandidates().get(0).getTransportAddress().getPort();
  }

  List<String> candidates() {
    return component.getLocalCandidates().stream().map(c -> new SdpCandidate(c.getFoundation(),
        1, "udp", c.getPriority(), c.getTransportAddress().getHostAddress(),
        c.getTransportAddress().getPort(), c.getType().toString(), null, -1).format()).toList();
  }

  void setRemote(IceTransport t) throws Exception {
    stream.setRemoteUfrag(t.localUfrag());
    stream.setRemotePassword(t.localPassword());
    for (String v : t.localCandidates()) {
      SdpCandidate c = SdpCandidate.parseUsable(v);
      component.addRemoteCandidate(new RemoteCandidate(
          new TransportAddress(c.address(), c.port(), Transport.UDP), component,
          CandidateType.parse(c.type()), c.foundation(), c.priority(), null));
    }
  }

  void start() {
    agent.startConnectivityEstablishment();
  }

  boolean awaitCompleted(long seconds) throws InterruptedException {
    return completed.await(seconds, TimeUnit.SECONDS);
  }

  void send(byte[] b) throws IOException {
    component.send(b, 0, b.length);
  }

  @Override
  public void close() {
    agent.free();
    reader.interrupt();
    try {
      reader.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Binds one UDP host candidate on 127.0.0.1 (port 0: any). */
  private static final class LoopbackHarvester implements CandidateHarvester {
    private final int port;
    private final HarvestStatistics stats = new HarvestStatistics();

    LoopbackHarvester(int port) {
      this.port = port;
    }

    @Override
    public Collection<LocalCandidate> harvest(Component component) {
      try {
        MultiplexingDatagramSocket s = new MultiplexingDatagramSocket(
            new InetSocketAddress("127.0.0.1", port));
        IceUdpSocketWrapper w = new IceUdpSocketWrapper(s);
        HostCandidate c = new HostCandidate(w, component, Transport.UDP);
        component.addLocalCandidate(c);
        c.getStunStack().addSocket(c.getStunSocket(null));
        if (component.getComponentSocket() != null) {
          component.getComponentSocket().add(w);
        }
        return List.of(c);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public HarvestStatistics getHarvestStatistics() {
      return stats;
    }

    @Override
    public boolean isHostHarvester() {
      return true;
    }
  }
}
