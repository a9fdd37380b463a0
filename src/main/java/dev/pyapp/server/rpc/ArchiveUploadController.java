package dev.pyapp.server.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.install.ArchiveStore;
import dev.pyapp.server.install.ArchiveStore.UploadProgress;
import dev.pyapp.server.packaging.PackageReader;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/archives}: the raw archive as the body, or multipart {@code file}. The
 * archive is streamed to disk and checked at once; a refused archive gets 400 with
 * {@code {"errors": [{path, message}]}} and is deleted.
 */
@RestController
class ArchiveUploadController {

	private final ArchiveStore archives;

	private final PackageReader reader;

	ArchiveUploadController(ArchiveStore archives, PackageReader reader) {
		this.archives = archives;
		this.reader = reader;
	}

	@PostMapping(path = "/api/archives", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> upload(HttpServletRequest request) throws IOException, ServletException {
		String id;
		try (InputStream content = content(request)) {
			// X-Upload-Id (or ?upload=): the client's id to ask for progress while it
			// runs
			String uploadId = (request.getHeader("X-Upload-Id") != null) ? request.getHeader("X-Upload-Id")
					: request.getParameter("upload");
			long length = isMultipart(request) ? -1 : request.getContentLengthLong();
			id = this.archives.store(content, uploadId, length);
		}
		catch (PyappException ex) {
			return refused(ex);
		}
		try {
			this.reader.read(this.archives.path(id));
		}
		catch (PyappException ex) {
			this.archives.delete(id);
			return refused(ex);
		}
		return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("archive", id));
	}

	/**
	 * {@code GET /api/archives/uploads/{uploadId}}: how far an upload sent with
	 * {@code X-Upload-Id} has come: {@code {uploadId, received, total, state, archive,
	 * message, updated}}.
	 */
	@GetMapping(path = "/api/archives/uploads/{uploadId}", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<UploadProgress> progress(@PathVariable String uploadId) {
		return ResponseEntity.of(this.archives.progress(uploadId));
	}

	private static boolean isMultipart(HttpServletRequest request) {
		String contentType = request.getContentType();
		return contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/");
	}

	private static InputStream content(HttpServletRequest request) throws IOException, ServletException {
		if (isMultipart(request)) {
			Part part = request.getPart("file");
			if (part == null) {
				throw PyappException.invalid("no file",
						List.of(new dev.pyapp.server.core.Problem("file", "the multipart upload has no 'file' part")));
			}
			return part.getInputStream();
		}
		return request.getInputStream();
	}

	private static ResponseEntity<Map<String, Object>> refused(PyappException ex) {
		if (ex.getKind() != ErrorKind.INVALID) {
			throw ex;
		}
		List<Map<String, String>> errors = ex.getProblems()
			.stream()
			.map((problem) -> Map.of("path", problem.path(), "message", problem.message()))
			.toList();
		return ResponseEntity.badRequest().body(Map.of("message", String.valueOf(ex.getMessage()), "errors", errors));
	}

}
