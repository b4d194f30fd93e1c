package org.opentelephony.sip.transport.ws;

import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioWebSocketMessageChannel;
import gov.nist.javax.sip.stack.NioWebSocketMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/** The {@code ws} listening point: the stack's processor, with filtered, observed connections. */
final class WsProcessor extends NioWebSocketMessageProcessor implements WsHooks.Target {
  private volatile WsHooks hooks = WsHooks.NONE;

  WsProcessor(InetAddress ip, SIPTransactionStack stack, int port) {
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

  /** One accepted connection. Runs on the stack's selector thread. */
  static final class Channel extends NioWebSocketMessageChannel {
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
    protected void addBytes(byte[] bytes) throws Exception {
      for (WebSocketInbound.Action a : inbound.feed(bytes)) {
        if (a instanceof WebSocketInbound.Pass p) {
          super.addBytes(p.bytes());
        } else if (a instanceof WebSocketInbound.Reply r) {
          sendNonWebSocketMessage(r.bytes(), false);
        } else if (a instanceof WebSocketInbound.Drop d) {
          hooks.dropped(d.reason());
        } else if (a instanceof WebSocketInbound.Close c) {
          // written at once (not queued): the connection closes right after
          socketChannel.write(ByteBuffer.wrap(c.reply()));
          throw new IOException("WebSocket closed by the client");
        } else if (a instanceof WebSocketInbound.Fail f) {
          if (f.reply() != null) {
            socketChannel.write(ByteBuffer.wrap(f.reply()));
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
        hooks.closed("ws", getPeerAddress(), getPeerPort());
      }
    }
  }
}
