package dev.pyapp.server.runtime.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The uwsgi protocol's request packet, as a web server sends it to uWSGI: a 4-byte header
 * (modifier1 0 = WSGI, the size of the variables as a 16-bit little-endian number,
 * modifier2 0) followed by each variable as a 16-bit little-endian length and its bytes,
 * name then value. uWSGI answers with a plain HTTP response and closes the connection.
 */
public final class UwsgiPacket {

	/** The variables' size is 16 bits. */
	static final int MAX_SIZE = 0xFFFF;

	private UwsgiPacket() {
	}

	/**
	 * Encodes a request without a body.
	 * @param vars the CGI-style variables, in order
	 * @return the packet
	 * @throws IllegalArgumentException if it is larger than the protocol allows
	 */
	public static byte[] encode(Map<String, String> vars) {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		for (Map.Entry<String, String> var : vars.entrySet()) {
			string(body, var.getKey());
			string(body, var.getValue());
		}
		int size = body.size();
		if (size > MAX_SIZE) {
			throw new IllegalArgumentException("uwsgi packet of " + size + " bytes is larger than " + MAX_SIZE);
		}
		ByteArrayOutputStream packet = new ByteArrayOutputStream(size + 4);
		packet.write(0);
		packet.write(size & 0xFF);
		packet.write((size >> 8) & 0xFF);
		packet.write(0);
		packet.writeBytes(body.toByteArray());
		return packet.toByteArray();
	}

	private static void string(ByteArrayOutputStream out, String value) {
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		if (bytes.length > MAX_SIZE) {
			throw new IllegalArgumentException("uwsgi variable of " + bytes.length + " bytes");
		}
		out.write(bytes.length & 0xFF);
		out.write((bytes.length >> 8) & 0xFF);
		out.write(bytes, 0, bytes.length);
	}

	/**
	 * Decodes {@code %XX} escapes of a URL path as UTF-8 (a {@code +} stays a {@code +}:
	 * it means a space only in a query string).
	 * @param path the path as sent
	 * @return the path as PATH_INFO carries it; malformed escapes stay as they are
	 */
	public static String percentDecode(String path) {
		if (path.indexOf('%') < 0) {
			return path;
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream(path.length());
		byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
		for (int i = 0; i < bytes.length; i++) {
			if (bytes[i] == '%' && i + 2 < bytes.length && hex(bytes[i + 1]) >= 0 && hex(bytes[i + 2]) >= 0) {
				out.write(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
				i += 2;
			}
			else {
				out.write(bytes[i]);
			}
		}
		return out.toString(StandardCharsets.UTF_8);
	}

	private static int hex(byte b) {
		return Character.digit(b, 16);
	}

}
