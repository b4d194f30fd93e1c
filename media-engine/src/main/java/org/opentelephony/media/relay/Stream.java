package org.opentelephony.media.relay;

import java.util.ArrayList;
import java.util.List;
import org.opentelephony.media.sdp.Codec;
import org.opentelephony.media.sdp.Direction;
import org.opentelephony.media.sdp.MediaDescription;

/** One media line of a call (audio or video): an endpoint on each leg, relaying to each other. */
final class Stream {
  final String type;
  final Endpoint caller;
  final Endpoint callee;
  /** Formats offered in the pending offer, as the offering side numbered them. */
  List<Codec> offered = new ArrayList<>();
  /** Formats the server added to the offer because it can transcode them. */
  List<Codec> added = new ArrayList<>();
  MediaDescription offer;
  Direction direction = Direction.SENDRECV;
  boolean rejected;
  /** Each side's RFC 5888 mid for this line (browser legs; null until known). */
  final String[] mids = new String[2];
  /** Each side's a=ssrc lines of its sender, passed to a browser on the other side. */
  final List<List<String>> ssrcLines = new ArrayList<>(List.of(List.of(), List.of()));

  Stream(String type, Endpoint caller, Endpoint callee) {
    this.type = type;
    this.caller = caller;
    this.callee = callee;
    caller.peer = callee;
    callee.peer = caller;
  }

  boolean video() {
    return caller.video;
  }

  Endpoint endpoint(MediaSession.Side side) {
    return side == MediaSession.Side.CALLER ? caller : callee;
  }

  boolean onHold() {
    return direction != Direction.SENDRECV;
  }

  void close() {
    caller.close();
    callee.close();
  }
}
