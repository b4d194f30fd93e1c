package org.opentelephony.sip.transport.ws;

/**
 * What the WebSocket listening points report to the server. Called on the stack's selector
 * thread: implementations must hand real work to another thread.
 */
public interface WsHooks {
  /** A client's WebSocket connection closed (either side, or broken); {@code transport} ws/wss. */
  void closed(String transport, String ip, int port);

  /** A frame was dropped (not one SIP message, oversized, fragmented). */
  void dropped(String reason);

  /** The connection was closed for a protocol violation. */
  void protocolError(String reason);

  /** The longest frame payload accepted. */
  int maxFrame();

  /** Reports nothing (until the server attaches its hooks). */
  WsHooks NONE = new WsHooks() {
    @Override
    public void closed(String transport, String ip, int port) {
    }

    @Override
    public void dropped(String reason) {
    }

    @Override
    public void protocolError(String reason) {
    }

    @Override
    public int maxFrame() {
      return 262_144;
    }
  };

  /** A listening point's message processor that reports through hooks. */
  interface Target {
    void attach(WsHooks hooks);
  }
}
