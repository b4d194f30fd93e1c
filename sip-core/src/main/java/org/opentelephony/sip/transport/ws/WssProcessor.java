package org.opentelephony.sip.transport.ws;

import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsWebSocketMessageChannel;
import gov.nist.javax.sip.stack.NioTlsWebSocketMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;

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
    private final FilteredConnection filter;
    private final FilteredConnection.Io io = new FilteredConnection.Io() {
      @Override
      public void pass(byte[] sipMessage) throws Exception {
        Channel.super.addPlaintextBytes(sipMessage);
      }

      @Override
      public void reply(byte[] bytes) throws IOException {
        sendNonWebSocketMessage(bytes, false);
      }

      @Override
      public void closeReply(byte[] bytes) throws IOException {
        // through TLS, hence queued: the client closes the connection once it has our answer
        sendNonWebSocketMessage(bytes, false);
      }

      @Override
      public void failReply(byte[] bytes) throws IOException {
        sendNonWebSocketMessage(bytes, false); // queued: may not make it before the close
      }
    };

    Channel(SIPTransactionStack stack, NioTcpMessageProcessor processor, SocketChannel socket,
        WsHooks hooks) throws IOException {
      super(stack, processor, socket);
      this.filter = new FilteredConnection(hooks, "wss");
    }

    @Override
    public void addPlaintextBytes(byte[] bytes) throws Exception {
      filter.feed(bytes, io);
    }

    @Override
    protected void close(boolean removeSocket, boolean stopKeepAliveTask) {
      super.close(removeSocket, stopKeepAliveTask);
      if (removeSocket) {
        filter.closed(peerAddress != null ? getPeerAddress() : null, getPeerPort());
      }
    }
  }
}
