package dev.pyapp.server.mount.internal;

/**
 * The media types of the files web apps usually ship as static files, so the generated
 * configurations need no file of the system's.
 */
final class MimeTypes {

	/** A media type followed by its file name extensions. */
	static final String[][] TYPES = { { "text/html", "html", "htm" }, { "text/css", "css" }, { "text/plain", "txt" },
			{ "text/xml", "xml" }, { "text/csv", "csv" }, { "application/javascript", "js", "mjs" },
			{ "application/json", "json", "map" }, { "application/wasm", "wasm" }, { "application/pdf", "pdf" },
			{ "application/zip", "zip" }, { "application/manifest+json", "webmanifest" }, { "image/png", "png" },
			{ "image/jpeg", "jpg", "jpeg" }, { "image/gif", "gif" }, { "image/svg+xml", "svg", "svgz" },
			{ "image/webp", "webp" }, { "image/avif", "avif" }, { "image/x-icon", "ico" }, { "font/woff", "woff" },
			{ "font/woff2", "woff2" }, { "font/ttf", "ttf" }, { "font/otf", "otf" }, { "audio/mpeg", "mp3" },
			{ "audio/ogg", "ogg" }, { "video/mp4", "mp4" }, { "video/webm", "webm" } };

	private MimeTypes() {
	}

}
