package org.opentelephony.sip.transport.ws;

import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.NioMessageProcessorFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;

/**
 * JAIN-SIP's NIO message processors (named by {@code gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY};
 * the only ones that speak WebSocket), with our WebSocket processors for {@code ws} and
 * {@code wss}: they filter what clients send ({@link WebSocketInbound}) and report closed
 * connections ({@link WsHooks}). UDP, TCP and TLS are the stack's own NIO processors.
 */
public final class WsProcessorFactory extends NioMessageProcessorFactory {
  @Override
  public MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress ip,
      int port, String transport) throws IOException {
    if ("ws".equalsIgnoreCase(transport)) {
      return new WsProcessor(ip, stack, port);
    }
    if ("wss".equalsIgnoreCase(transport)) {
      return new WssProcessor(ip, stack, port);
    }
    return super.createMessageProcessor(stack, ip, port, transport);
  }
}
