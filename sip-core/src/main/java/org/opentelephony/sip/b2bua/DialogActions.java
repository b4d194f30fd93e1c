package org.opentelephony.sip.b2bua;

import java.text.ParseException;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.header.CSeqHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The SIP messages a call sends within its dialogs and transactions (ACK, BYE, CANCEL and plain
 * responses). Failures only mean the other side is gone: they are logged, never thrown.
 */
final class DialogActions {
  private static final Logger LOG = LogManager.getLogger(DialogActions.class);

  private final B2buaServices services;
  private final String callId;

  DialogActions(B2buaServices services, String callId) {
    this.services = services;
    this.callId = callId;
  }

  /** CANCEL for a branch that has seen a provisional response (RFC 3261 9.1). */
  void cancel(Branch b) {
    b.cancelPending = false;
    b.cancelSent = true;
    try {
      Request cancel = b.tx.createCancel();
      services.sip().provider().getNewClientTransaction(cancel).sendRequest();
    } catch (SipException e) {
      LOG.debug("call {}: cannot CANCEL {}: {}", callId, b.target.contactUri(), e.toString());
    }
  }

  /** ACK for a 2xx, with an SDP answer when the offer came in that 2xx (late offer). */
  void ack(Dialog dialog, Response ok, String body) {
    try {
      long cseq = ((CSeqHeader) ok.getHeader(CSeqHeader.NAME)).getSeqNumber();
      Request ack = dialog.createAck(cseq);
      if (body != null) {
        ack.setContent(body, services.factory().sdpContentType());
      }
      dialog.sendAck(ack);
    } catch (SipException | InvalidArgumentException | ParseException e) {
      LOG.debug("call {}: cannot ACK: {}", callId, e.toString());
    }
  }

  void bye(Dialog dialog) {
    try {
      Request bye = dialog.createRequest(Request.BYE);
      ClientTransaction ct = services.sip().provider().getNewClientTransaction(bye);
      dialog.sendRequest(ct);
    } catch (SipException e) {
      LOG.debug("call {}: cannot send BYE: {}", callId, e.toString());
    }
  }

  void respond(ServerTransaction tx, int status, String reason) {
    respond(tx, status, reason, null);
  }

  /** A response on a server transaction, with a Warning (code 399) when {@code warning} is set. */
  void respond(ServerTransaction tx, int status, String reason, String warning) {
    try {
      Response r = services.sip().messages().createResponse(status, tx.getRequest());
      if (reason != null) {
        r.setReasonPhrase(reason);
      }
      if (warning != null) {
        r.addHeader(services.factory().warning(warning));
      }
      tx.sendResponse(r);
      services.sip().metrics().responseSent(status);
    } catch (SipException | ParseException | InvalidArgumentException e) {
      LOG.debug("call {}: cannot send {}: {}", callId, status, e.toString());
    }
  }
}
