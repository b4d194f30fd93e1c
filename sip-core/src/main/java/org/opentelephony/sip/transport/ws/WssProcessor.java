package org.opentelephony.sip.transport.ws;

import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsWebSocketMessageChannel;
import gov.nist.javax.sip.stack.NioTlsWebSocketMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code wss} listening point: the stack's TLS WebSocket processor (key material from the
 * stack's {@code javax.net.ssl.*} properties), with filtered, observed connections.
 */
final class WssProcessor extends NioTlsWebSocketMessageProcessor implements WsHooks.Target {
  private volatile WsHooks hooks = WsHooks.NONE;

  WssProcessor(InetAddress ip, SIPTransactionStack stack, int port) {
    super(ip, stack, port);
  }

  @Override
  public void attach(WsHooks h) {
    this.hooks = h;
  }

  @Override
  public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor,
      SocketChannel client) throws IOException {
    NioTcpMessageChannel existing = nioHandler.getMessageChannel(client);
    if (existing != null) {
      return existing;
    }
    Channel ch = new Channel(sipStack, processor, client, hooks);
    nioHandler.putMessageChannel(client, ch);
    return ch;
  }

  /** One accepted connection; filters the plaintext the TLS layer hands up. */
  static final class Channel extends NioTlsWebSocketMessageChannel {
    private final WsHooks hooks;
    private final WebSocketInbound inbound;
    private final AtomicBoolean reported = new AtomicBoolean();

    Channel(SIPTransactionStack stack, NioTcpMessageProcessor processor, SocketChannel socket,
        WsHooks hooks) throws IOException {
      super(stack, processor, socket);
      this.hooks = hooks;
      this.inbound = new WebSocketInbound(hooks.maxFrame());
    }

    @Override
    public void addPlaintextBytes(byte[] bytes) throws Exception {
      for (WebSocketInbound.Action a : inbound.feed(bytes)) {
        if (a instanceof WebSocketInbound.Pass p) {
          super.addPlaintextBytes(p.bytes());
        } else if (a instanceof WebSocketInbound.Reply r) {
          sendNonWebSocketMessage(r.bytes(), false);
        } else if (a instanceof WebSocketInbound.Drop d) {
          hooks.dropped(d.reason());
        } else if (a instanceof WebSocketInbound.Close c) {
          // through TLS, hence queued: the client closes the connection once it has our answer
          sendNonWebSocketMessage(c.reply(), false);
        } else if (a instanceof WebSocketInbound.Fail f) {
          if (f.reply() != null) {
            sendNonWebSocketMessage(f.reply(), false); // queued: may not make it before the close
          }
          hooks.protocolError(f.reason());
          throw new IOException("WebSocket protocol violation: " + f.reason());
        }
      }
    }

    @Override
    protected void close(boolean removeSocket, boolean stopKeepAliveTask) {
      super.close(removeSocket, stopKeepAliveTask);
      if (removeSocket && peerAddress != null && reported.compareAndSet(false, true)) {
        hooks.closed("wss", getPeerAddress(), getPeerPort());
      }
    }
  }
}
