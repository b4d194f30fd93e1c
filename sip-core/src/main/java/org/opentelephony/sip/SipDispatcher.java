package org.opentelephony.sip;

import javax.sip.ClientTransaction;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import gov.nist.javax.sip.DialogTimeoutEvent;
import gov.nist.javax.sip.SipListenerExt;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opentelephony.sip.auth.AccountStore;
import org.opentelephony.sip.b2bua.B2bua;
import org.opentelephony.sip.registrar.RegistrarHandler;
import org.opentelephony.sip.transport.RequestValidator;
import org.opentelephony.sip.transport.SipContext;

/**
 * The SIP stack's listener: validates each request and sends it to the registrar, the OPTIONS
 * responder or the B2BUA. Runs on the stack's threads, so nothing here may block.
 */
final class SipDispatcher implements SipListenerExt {
  private static final Logger LOG = LogManager.getLogger(SipDispatcher.class);

  private final SipContext sip;
  private final RequestValidator validator;
  private final RegistrarHandler registrar;
  private final B2bua b2bua;
  private final AccountStore accounts;

  SipDispatcher(SipContext sip, RequestValidator validator, RegistrarHandler registrar,
      B2bua b2bua, AccountStore accounts) {
    this.accounts = accounts;
    this.sip = sip;
    this.validator = validator;
    this.registrar = registrar;
    this.b2bua = b2bua;
  }

  @Override
  public void processRequest(RequestEvent evt) {
    Request req = evt.getRequest();
    String method = req.getMethod();
    sip.metrics().requestReceived(method);
    try {
      Response error = validator.check(req);
      if (error != null) {
        if (!Request.ACK.equals(method)) {
          sip.sendStateless(error);
        }
        return;
      }
      switch (method) {
        case Request.REGISTER -> registrar.handle(req);
        case Request.OPTIONS -> options(req);
        case Request.INVITE -> {
          if (((ToHeader) req.getHeader(ToHeader.NAME)).getTag() == null) {
            b2bua.onInitialInvite(evt);
          } else {
            b2bua.onInDialog(evt);
          }
        }
        case Request.ACK -> b2bua.onAck(evt);
        case Request.CANCEL -> b2bua.onCancel(evt);
        default -> b2bua.onInDialog(evt); // BYE, UPDATE, INFO
      }
    } catch (RuntimeException e) {
      LOG.error("failed to handle {} {}", method, req.getRequestURI(), e);
      if (!Request.ACK.equals(method)) {
        sip.sendStateless(sip.response(req, 500, "Server Internal Error"));
      }
    }
  }

  /**
   * OPTIONS to any local address (the server, a local user, or within a dialog as a keep-alive)
   * is answered by the server itself: 200 with its capabilities. Foreign targets are not relayed.
   */
  private void options(Request req) {
    boolean inDialog = ((ToHeader) req.getHeader(ToHeader.NAME)).getTag() != null;
    if (!inDialog && !sip.isLocal(req.getRequestURI())) {
      sip.sendStateless(sip.response(req, 403, "Relaying denied"));
      return;
    }
    String user = ((javax.sip.address.SipURI) req.getRequestURI()).getUser();
    if (!inDialog && user != null && accounts.find(user).isEmpty()) {
      sip.sendStateless(sip.response(req, 404, "Not Found"));
      return;
    }
    Response ok = sip.response(req, 200);
    validator.addAllow(ok);
    try {
      ok.addHeader(sip.headers().createAcceptHeader("application", "sdp"));
    } catch (java.text.ParseException e) {
      throw new IllegalStateException(e);
    }
    sip.sendStateless(ok);
  }

  @Override
  public void processResponse(ResponseEvent evt) {
    try {
      b2bua.onResponse(evt.getClientTransaction(), evt.getResponse());
    } catch (RuntimeException e) {
      LOG.error("failed to handle response {}", evt.getResponse().getStatusCode(), e);
    }
  }

  @Override
  public void processTimeout(TimeoutEvent evt) {
    if (!evt.isServerTransaction()) {
      ClientTransaction tx = evt.getClientTransaction();
      b2bua.onClientTimeout(tx);
    }
  }

  @Override
  public void processDialogTimeout(DialogTimeoutEvent evt) {
    b2bua.onDialogTimeout(evt.getDialog());
  }

  @Override
  public void processIOException(IOExceptionEvent evt) {
    LOG.debug("I/O error towards {}:{}/{}", evt.getHost(), evt.getPort(), evt.getTransport());
  }

  @Override
  public void processTransactionTerminated(TransactionTerminatedEvent evt) {
    // nothing held per transaction beyond what the call cleans up itself
  }

  @Override
  public void processDialogTerminated(DialogTerminatedEvent evt) {
    // dialogs end with their call
  }
}
