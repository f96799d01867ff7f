package org.openprofiles.prodlike;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The little HTTP/1.1 the proxy needs on its client side: one request at a time on a persistent
 * connection, bodies by Content-Length or chunked, {@code Expect: 100-continue} answered. A plain
 * socket rather than com.sun.net.httpserver, because a lost response must end the connection with
 * nothing written (see {@link LossStyle}).
 */
final class HttpWire {
    private static final int MAX_LINE = 64 * 1024;
    private static final int MAX_HEADERS = 200;
    private static final int MAX_BODY = 32 * 1024 * 1024;

    private HttpWire() {}

    /** A request as read from the client; header names keep their case, lookups ignore it. */
    record Request(String method, String target, String version, List<Map.Entry<String, String>> headers, byte[] body) {
        String header(String name) {
            for (Map.Entry<String, String> header : headers) {
                if (header.getKey().equalsIgnoreCase(name)) return header.getValue();
            }
            return null;
        }

        boolean closeAfter() {
            String connection = header("Connection");
            if (connection != null && connection.toLowerCase(Locale.ROOT).contains("close")) return true;
            return version.equals("HTTP/1.0") && (connection == null || !connection.equalsIgnoreCase("keep-alive"));
        }
    }

    /** A response to write: the status and headers other than Content-Length, which is computed. */
    record Response(int status, List<Map.Entry<String, String>> headers, byte[] body) {
        String header(String name) {
            for (Map.Entry<String, String> header : headers) {
                if (header.getKey().equalsIgnoreCase(name)) return header.getValue();
            }
            return null;
        }
    }

    /** A malformed request: answered 400 and the connection closed. */
    static final class BadRequest extends IOException {
        BadRequest(String message) {
            super(message);
        }
    }

    /** Reads one request; null when the client closed the connection before sending one. */
    static Request read(InputStream in, OutputStream out) throws IOException {
        String requestLine = line(in, true);
        while (requestLine != null && requestLine.isEmpty()) requestLine = line(in, true); // tolerated stray CRLFs
        if (requestLine == null) return null;
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) throw new BadRequest("bad request line: " + requestLine);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        while (true) {
            String line = line(in, false);
            if (line.isEmpty()) break;
            if (headers.size() == MAX_HEADERS) throw new BadRequest("too many headers");
            int colon = line.indexOf(':');
            if (colon <= 0) throw new BadRequest("bad header line: " + line);
            headers.add(Map.entry(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
        }
        Request head = new Request(parts[0], parts[1], parts[2], List.copyOf(headers), new byte[0]);
        String expect = head.header("Expect");
        if (expect != null && expect.equalsIgnoreCase("100-continue")) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        String transferEncoding = head.header("Transfer-Encoding");
        byte[] body;
        if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = chunked(in);
        } else {
            String length = head.header("Content-Length");
            int contentLength;
            try {
                contentLength = length == null ? 0 : Integer.parseInt(length.trim());
            } catch (NumberFormatException e) {
                throw new BadRequest("bad Content-Length: " + length);
            }
            if (contentLength < 0 || contentLength > MAX_BODY) throw new BadRequest("bad Content-Length: " + length);
            body = in.readNBytes(contentLength);
            if (body.length != contentLength) throw new IOException("the client closed the connection mid-body");
        }
        return new Request(head.method(), head.target(), head.version(), head.headers(), body);
    }

    static void write(OutputStream out, Response response) throws IOException {
        StringBuilder head = new StringBuilder(256);
        head.append("HTTP/1.1 ").append(response.status()).append(' ').append(reason(response.status())).append("\r\n");
        for (Map.Entry<String, String> header : response.headers()) {
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        head.append("Content-Length: ").append(response.body().length).append("\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(response.body());
        out.flush();
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in, false);
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim();
            int size;
            try {
                size = Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw new BadRequest("bad chunk size: " + sizeLine);
            }
            if (size < 0 || body.size() + (long) size > MAX_BODY) throw new BadRequest("chunked body too large");
            if (size == 0) {
                while (!line(in, false).isEmpty()) {
                    // trailers: ignored
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length != size) throw new IOException("the client closed the connection mid-chunk");
            body.write(chunk);
            if (!line(in, false).isEmpty()) throw new BadRequest("chunk not followed by CRLF");
        }
    }

    /** One line without its CRLF (a bare LF is accepted); null at end of stream only where allowed. */
    private static String line(InputStream in, boolean endAllowed) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b == -1) {
                if (endAllowed && line.size() == 0) return null;
                throw new IOException("the client closed the connection mid-request");
            }
            if (b == '\n') break;
            if (line.size() == MAX_LINE) throw new BadRequest("line too long");
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 413 -> "Payload Too Large";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }
}
