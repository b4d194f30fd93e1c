package org.opentelephony.gateway.webrtc;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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
 * The browser's ICE agent in the synthetic client: a full ice4j Agent (controlling, as an
 * offerer is) with one UDP host candidate on 127.0.0.1, one component (BUNDLE + rtcp-mux).
 * Application datagrams read from the component socket go to the {@link Receiver} on the
 * agent's own reader thread.
 */
final class PeerIce implements AutoCloseable {
  /** Non-STUN datagrams from the selected pair; the array is reused after return. */
  interface Receiver {
    void onPacket(byte[] buf, int off, int len);
  }

  private final Agent agent = new Agent();
  private final IceMediaStream stream;
  private final Component component;
  private final CountDownLatch completed = new CountDownLatch(1);
  private final Receiver receiver;
  private final Thread reader;
  private volatile IceProcessingState state = IceProcessingState.WAITING;

  PeerIce(String name, Receiver receiver) {
    this.receiver = receiver;
    agent.setControlling(true);
    agent.setUseDynamicPorts(false);
    agent.addCandidateHarvester(new LoopbackHarvester());
    agent.addStateChangeListener(ev -> {
      state = (IceProcessingState) ev.getNewValue();
      if (state == IceProcessingState.COMPLETED) {
        completed.countDown();
      }
    });
    stream = agent.createMediaStream("audio");
    try {
      component = agent.createComponent(stream, KeepAliveStrategy.SELECTED_ONLY, true);
    } catch (IOException e) {
      agent.free();
      throw new IllegalStateException("no loopback ICE candidate", e);
    }
    reader = new Thread(this::read, "peer-ice-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    byte[] buf = new byte[1500];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    int handlerFailures = 0;
    while (!Thread.currentThread().isInterrupted()) {
      try {
        p.setData(buf);
        component.getSocket().receive(p);
      } catch (IOException | RuntimeException e) {
        return; // socket closed (agent freed)
      }
      try {
        receiver.onPacket(p.getData(), p.getOffset(), p.getLength());
      } catch (RuntimeException e) {
        if (++handlerFailures == 1) {
          System.err.println("peer ICE: receiver failed: " + e);
        }
      }
    }
  }

  String ufrag() {
    return agent.getLocalUfrag();
  }

  String pwd() {
    return agent.getLocalPassword();
  }

  /** Our UDP port on 127.0.0.1. */
  int port() {
    return component.getLocalCandidates().get(0).getTransportAddress().getPort();
  }

  /** {@code a=candidate:} values (without "a="). */
  List<String> candidates() {
    List<String> out = new ArrayList<>();
    for (LocalCandidate c : component.getLocalCandidates()) {
      out.add("candidate:" + c.getFoundation() + " 1 udp " + c.getPriority() + " "
          + c.getTransportAddress().getHostAddress() + " " + c.getTransportAddress().getPort()
          + " typ host");
    }
    return out;
  }

  /**
   * The far end's credentials and {@code candidate:...} values (fields: foundation component
   * transport priority address port typ type); UDP ones of component 1 are used.
   */
  void setRemote(String ufrag, String pwd, List<String> remoteCandidates) {
    stream.setRemoteUfrag(ufrag);
    stream.setRemotePassword(pwd);
    for (String v : remoteCandidates) {
      String[] f = v.replaceFirst("^candidate:", "").trim().split("\\s+");
      if (f.length < 8 || !f[1].equals("1") || !f[2].equalsIgnoreCase("udp")) {
        continue;
      }
      component.addRemoteCandidate(new RemoteCandidate(
          new TransportAddress(f[4], Integer.parseInt(f[5]), Transport.UDP), component,
          CandidateType.parse(f[7]), f[0], Long.parseLong(f[3]), null));
    }
  }

  void start() {
    agent.startConnectivityEstablishment();
  }

  boolean awaitCompleted(long millis) throws InterruptedException {
    return completed.await(millis, TimeUnit.MILLISECONDS);
  }

  IceProcessingState state() {
    return state;
  }

  /** Sends over the selected pair. */
  void send(byte[] b, int off, int len) throws IOException {
    component.send(b, off, len);
  }

  @Override
  public void close() {
    reader.interrupt();
    agent.free();
  }

  /** Binds one UDP host candidate on 127.0.0.1, any port. */
  private static final class LoopbackHarvester implements CandidateHarvester {
    private final HarvestStatistics stats = new HarvestStatistics();

    @Override
    public Collection<LocalCandidate> harvest(Component component) {
      try {
        MultiplexingDatagramSocket s = new MultiplexingDatagramSocket(
            new InetSocketAddress("127.0.0.1", 0));
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
