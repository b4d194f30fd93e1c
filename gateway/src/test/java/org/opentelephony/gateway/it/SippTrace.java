package org.opentelephony.gateway.it;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what SIPp wrote with {@code -trace_msg} (see {@link Sipp#messages}): the messages it sent
 * and received, in order, so that a test can look at a response beyond its status code.
 */
final class SippTrace {
  /** One traced message. */
  record Message(boolean received, String text) {
    String firstLine() {
      int eol = text.indexOf('\n');
      return (eol < 0 ? text : text.substring(0, eol)).trim();
    }

    /** The values of every header line called {@code name} (case-insensitive), in order. */
    List<String> headers(String name) {
      List<String> out = new ArrayList<>();
      for (String line : text.split("\r?\n")) {
        if (line.isEmpty()) {
          break; // end of the headers
        }
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          out.add(line.substring(colon + 1).trim());
        }
      }
      return out;
    }

    /** The body: what follows the first empty line. */
    String body() {
      int i = text.indexOf("\n\n");
      int j = text.indexOf("\r\n\r\n");
      if (j >= 0 && (i < 0 || j < i)) {
        return text.substring(j + 4);
      }
      return i < 0 ? "" : text.substring(i + 2);
    }
  }

  /** A contact listed in a REGISTER response: its URI and its expires parameter. */
  record Contact(String uri, int expires) {
  }

  private static final Pattern SEPARATOR = Pattern.compile("(?m)^-{20,} .*$");
  private static final Pattern CONTACT = Pattern.compile("<([^>]+)>[^,]*?;expires=(\\d+)");

  private SippTrace() {
  }

  static List<Message> parse(String log) {
    List<Message> out = new ArrayList<>();
    for (String chunk : SEPARATOR.split(log)) {
      String c = chunk.strip();
      if (c.isEmpty()) {
        continue;
      }
      int eol = c.indexOf('\n');
      if (eol < 0) {
        continue;
      }
      String kind = c.substring(0, eol);
      boolean received = kind.contains("message received");
      if (!received && !kind.contains("message sent")) {
        continue;
      }
      out.add(new Message(received, c.substring(eol + 1).strip()));
    }
    return out;
  }

  /** The last message SIPp received whose first line starts with {@code prefix}. */
  static Message lastReceived(String log, String prefix) {
    List<Message> all = parse(log);
    for (int i = all.size() - 1; i >= 0; i--) {
      Message m = all.get(i);
      if (m.received() && m.firstLine().startsWith(prefix)) {
        return m;
      }
    }
    throw new AssertionError("SIPp received no message starting with '" + prefix + "':\n" + log);
  }

  /** Every message SIPp received whose first line starts with {@code prefix}. */
  static List<Message> received(String log, String prefix) {
    return parse(log).stream().filter(m -> m.received() && m.firstLine().startsWith(prefix))
        .toList();
  }

  /** The contacts of a REGISTER response (several per header line or several lines). */
  static List<Contact> contacts(Message response) {
    List<Contact> out = new ArrayList<>();
    for (String value : response.headers("Contact")) {
      Matcher m = CONTACT.matcher(value);
      while (m.find()) {
        out.add(new Contact(m.group(1), Integer.parseInt(m.group(2))));
      }
    }
    return out;
  }
}
