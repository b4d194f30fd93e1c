package org.opentelephony.sip.transport.ws;

import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.MessageProcessorFactory;
import gov.nist.javax.sip.stack.OIOMessageProcessorFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;

/**
 * The stack's message processors (named by {@code gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY}):
 * for {@code ws} and {@code wss}, JAIN-SIP's NIO WebSocket processors (the only ones that speak
 * WebSocket) with our filtering and close reporting; for UDP, TCP and TLS, the stack's default
 * (blocking I/O) processors, exactly as without WebSocket. Not a subclass of
 * {@code NioMessageProcessorFactory} on purpose: the NIO TCP processor does not reach a device
 * that registered over TCP and then listens on that port (TcpCallIT), and the stack treats TCP as
 * NIO whenever the factory is one.
 */
public final class WsProcessorFactory implements MessageProcessorFactory {
  private final MessageProcessorFactory classic = new OIOMessageProcessorFactory();

  @Override
  public MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress ip,
      int port, String transport) throws IOException {
    if ("ws".equalsIgnoreCase(transport)) {
      return new WsProcessor(ip, stack, port);
    }
    if ("wss".equalsIgnoreCase(transport)) {
      return new WssProcessor(ip, stack, port);
    }
    return classic.createMessageProcessor(stack, ip, port, transport);
  }
}
