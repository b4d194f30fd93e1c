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
    private final FilteredConnection filter;
    private final FilteredConnection.Io io = new FilteredConnection.Io() {
      @Override
      public void pass(byte[] sipMessage) throws Exception {
        Channel.super.addBytes(sipMessage);
      }

      @Override
      public void reply(byte[] bytes) throws IOException {
        sendNonWebSocketMessage(bytes, false);
      }

      @Override
      public void closeReply(byte[] bytes) throws IOException {
        // written at once (not queued): the connection closes right after
        socketChannel.write(ByteBuffer.wrap(bytes));
        throw new IOException("WebSocket closed by the client");
      }

      @Override
      public void failReply(byte[] bytes) throws IOException {
        socketChannel.write(ByteBuffer.wrap(bytes));
      }
    };

    Channel(SIPTransactionStack stack, NioTcpMessageProcessor processor, SocketChannel socket,
        WsHooks hooks) throws IOException {
      super(stack, processor, socket);
      this.filter = new FilteredConnection(hooks, "ws");
    }

    @Override
    protected void addBytes(byte[] bytes) throws Exception {
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
