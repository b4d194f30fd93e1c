package org.opentelephony.media.ice;

import java.beans.PropertyChangeEvent;
import java.beans.PropertyChangeListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidatePair;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.RemoteCandidate;
import org.ice4j.util.BufferHandler;

/**
 * One ice4j Agent with its single stream and component: one generation of a leg's ICE (an ICE
 * restart makes a new one). Owns nothing but ice4j objects; events go to the {@link Events}.
 */
final class AgentSession {
  /** What the session reports; called on ice4j threads, so implementations must not block. */
  interface Events {
    void agentState(AgentSession s, IceProcessingState to);

    void consent(AgentSession s, long millis);
  }

  final Agent agent;
  private final IceMediaStream stream;
  final Component component;
  private final PropertyChangeListener stateListener;
  private final PropertyChangeListener pairListener;
  /** Remote addresses of pairs that passed a check: accepted until a pair is selected. */
  final Set<InetSocketAddress> validated = ConcurrentHashMap.newKeySet();
  /** The selected pair's remote address, once selected: the only source accepted after. */
  volatile InetSocketAddress selectedRemote;
  boolean remoteKnown;
  boolean started;
  private boolean freed;

  AgentSession(IceService svc, boolean controlling, BufferHandler data, Events events)
      throws IOException {
    agent = svc.newAgent();
    try {
      agent.setControlling(controlling);
      stream = agent.createMediaStream("bundle");
      // one component: rtcp-mux and bundle carry everything; no merging component socket,
      // application data comes through the push callback
      component = agent.createComponent(stream, KeepAliveStrategy.SELECTED_ONLY, false);
    } catch (IOException | RuntimeException e) {
      agent.free();
      throw e;
    }
    component.setBufferCallback(data);
    stateListener = ev -> events.agentState(this, (IceProcessingState) ev.getNewValue());
    pairListener = ev -> onPairEvent(ev, events);
    agent.addStateChangeListener(stateListener);
    stream.addPairChangeListener(pairListener);
  }

  private void onPairEvent(PropertyChangeEvent ev, Events events) {
    if (!(ev.getSource() instanceof CandidatePair pair)) {
      return;
    }
    if (IceMediaStream.PROPERTY_PAIR_VALIDATED.equals(ev.getPropertyName())) {
      validated.add(plain(pair.getRemoteCandidate().getTransportAddress()));
    } else if (IceMediaStream.PROPERTY_PAIR_CONSENT_FRESHNESS_CHANGED.equals(
        ev.getPropertyName()) && ev.getNewValue() instanceof Long t) {
      events.consent(this, t);
    }
  }

  String localUfrag() {
    return agent.getLocalUfrag();
  }

  String localPassword() {
    return agent.getLocalPassword();
  }

  List<String> localCandidates() {
    return component.getLocalCandidates().stream()
        .sorted(Comparator.comparingLong(LocalCandidate::getPriority).reversed())
        .map(c -> {
          TransportAddress a = c.getTransportAddress();
          TransportAddress rel = c.getRelatedAddress();
          return new SdpCandidate(c.getFoundation(), component.getComponentID(), "udp",
              c.getPriority(), a.getHostAddress(), a.getPort(), c.getType().toString(),
              rel == null ? null : rel.getHostAddress(), rel == null ? -1 : rel.getPort())
              .format();
        }).toList();
  }

  void setRemoteCredentials(String ufrag, String pwd) {
    stream.setRemoteUfrag(ufrag);
    stream.setRemotePassword(pwd);
    remoteKnown = true;
  }

  void addRemote(SdpCandidate c) {
    RemoteCandidate rc = new RemoteCandidate(
        new TransportAddress(c.address(), c.port(), Transport.UDP), component,
        CandidateType.parse(c.type()), c.foundation(), c.priority(), null);
    if (started && agent.getState() == IceProcessingState.RUNNING) {
      component.addUpdateRemoteCandidates(rc);
      component.updateRemoteCandidates();
    } else if (!started) {
      component.addRemoteCandidate(rc);
    }
    // after checks ended a late candidate changes nothing: the pair is chosen
  }

  int remoteCandidateCount() {
    return component.getRemoteCandidateCount();
  }

  void start() {
    started = true;
    agent.startConnectivityEstablishment();
  }

  /** Records the selected pair; returns it as text, or null if ice4j has none. */
  String select() {
    CandidatePair p = component.getSelectedPair();
    if (p == null) {
      return null;
    }
    selectedRemote = plain(p.getRemoteCandidate().getTransportAddress());
    return describe(p);
  }

  String selectedPair() {
    CandidatePair p = component.getSelectedPair();
    return p == null ? null : describe(p);
  }

  void send(byte[] buf, int off, int len) throws IOException {
    component.send(buf, off, len);
  }

  /** Frees the Agent (its STUN stack, sockets, shared-port registration); idempotent. */
  void free() {
    synchronized (this) {
      if (freed) {
        return;
      }
      freed = true;
    }
    agent.removeStateChangeListener(stateListener);
    stream.removePairStateChangeListener(pairListener);
    component.setBufferCallback(null);
    agent.free();
  }

  private static String describe(CandidatePair p) {
    TransportAddress l = p.getLocalCandidate().getTransportAddress();
    TransportAddress r = p.getRemoteCandidate().getTransportAddress();
    return l.getHostAddress() + ":" + l.getPort() + " <-> " + r.getHostAddress() + ":"
        + r.getPort() + " " + p.getLocalCandidate().getType() + "/"
        + p.getRemoteCandidate().getType();
  }

  // TransportAddress.equals also compares the transport; the buffers carry plain addresses
  private static InetSocketAddress plain(TransportAddress a) {
    return new InetSocketAddress(a.getAddress(), a.getPort());
  }
}
