package org.opentelephony.sip.b2bua;

import java.text.ParseException;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.header.ContentTypeHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opentelephony.sip.call.Call;
import org.opentelephony.sip.call.MediaNegotiator.Kind;
import org.opentelephony.sip.call.MediaNegotiator.Side;
import org.opentelephony.sip.sdp.SdpException;

/**
 * Passes requests inside an answered call (re-INVITE, UPDATE, INFO) from one leg to the other
 * and their final responses back; SDP in them goes through the call's media as a new offer and
 * its answer. One re-INVITE at a time: a second one meanwhile gets 491 (RFC 3261 14.2). Runs on
 * the call's executor, like the {@link B2buaCall} that owns it.
 */
final class InDialogRelay {
  private static final Logger LOG = LogManager.getLogger(InDialogRelay.class);

  private final B2buaCall owner;
  private final B2buaServices services;
  private final DialogActions actions;
  private boolean invitePending;

  InDialogRelay(B2buaCall owner, B2buaServices services, DialogActions actions) {
    this.owner = owner;
    this.services = services;
    this.actions = actions;
  }

  /** A request from {@code from} in the answered call: sent on to the other leg. */
  void onRequest(ServerTransaction tx, Side from) {
    Request req = tx.getRequest();
    String method = req.getMethod();
    Call call = owner.call();
    if (Request.INVITE.equals(method)) {
      if (invitePending) {
        actions.respond(tx, 491, "Request Pending");
        return;
      }
      actions.respond(tx, 100, null);
    }
    Side to = other(from);
    Dialog target = owner.dialogOf(to);
    try {
      Request out = target.createRequest(method);
      services.factory().copyPassThroughHeaders(req, out);
      if (Bodies.hasBody(req)) {
        String body = Bodies.isSdp(req)
            ? services.media().relay(call, from, Kind.OFFER, Bodies.bodyOf(req))
            : Bodies.bodyOf(req);
        out.setContent(body, (ContentTypeHeader) req.getHeader(ContentTypeHeader.NAME));
      }
      if (Request.INVITE.equals(method) || Request.UPDATE.equals(method)) {
        out.setHeader(services.sip().contact(owner.transportOf(to)));
      }
      ClientTransaction ct = services.sip().provider().getNewClientTransaction(out);
      ct.setApplicationData(new Relay(owner, tx, req, from));
      target.sendRequest(ct);
      if (Request.INVITE.equals(method)) {
        invitePending = true;
      }
    } catch (SdpException e) {
      actions.respond(tx, 488, "Not Acceptable Here", e.getMessage());
    } catch (SipException | ParseException e) {
      LOG.info("call {}: cannot relay {}: {}", call.id(), method, e.toString());
      actions.respond(tx, 500, "Cannot relay " + method);
    }
  }

  /** The other leg's response: a final one goes back to where the request came from. */
  void onResponse(Relay relay, Response r) {
    int status = r.getStatusCode();
    if (status < 200) {
      return;
    }
    String method = relay.request().getMethod();
    Side to = other(relay.from());
    if (Request.INVITE.equals(method)) {
      invitePending = false;
      if (status < 300) {
        actions.ack(owner.dialogOf(to), r, null);
      }
    }
    Call call = owner.call();
    try {
      Response out = services.sip().messages().createResponse(status, relay.request());
      out.setReasonPhrase(r.getReasonPhrase());
      services.factory().copyPassThroughHeaders(r, out);
      if (status < 300 && (Request.INVITE.equals(method) || Request.UPDATE.equals(method))) {
        out.setHeader(services.sip().contact(owner.transportOf(relay.from())));
      }
      if (Bodies.hasBody(r)) {
        String body = Bodies.isSdp(r)
            ? services.media().relay(call, to, Kind.ANSWER, Bodies.bodyOf(r))
            : Bodies.bodyOf(r);
        out.setContent(body, (ContentTypeHeader) r.getHeader(ContentTypeHeader.NAME));
      }
      relay.origin().sendResponse(out);
    } catch (SdpException e) {
      actions.respond(relay.origin(), 488, "Not Acceptable Here", e.getMessage());
    } catch (SipException | ParseException | InvalidArgumentException e) {
      LOG.debug("call {}: cannot pass back {}: {}", call.id(), status, e.toString());
    }
  }

  /** No final response from the other leg in time. */
  void onTimeout(Relay relay) {
    if (Request.INVITE.equals(relay.request().getMethod())) {
      invitePending = false;
    }
    actions.respond(relay.origin(), 408, "Request Timeout");
  }

  private static Side other(Side s) {
    return s == Side.CALLER ? Side.CALLEE : Side.CALLER;
  }
}
