package dev.pyapp.server.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.pyapp.server.audit.AuditEntry;
import dev.pyapp.server.audit.AuditLog;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.install.ArchiveStore;
import dev.pyapp.server.install.ArchiveStore.UploadProgress;
import dev.pyapp.server.packaging.PackageReader;
import dev.pyapp.server.security.Caller;
import dev.pyapp.server.security.Callers;
import dev.pyapp.server.security.Role;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import org.jspecify.annotations.Nullable;

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

	private final Callers callers;

	private final AuditLog audit;

	ArchiveUploadController(ArchiveStore archives, PackageReader reader, Callers callers, AuditLog audit) {
		this.archives = archives;
		this.reader = reader;
		this.callers = callers;
		this.audit = audit;
	}

	/**
	 * Stores an upload: for a deployer or an admin only (an upload exists to be
	 * installed), recorded in the audit log as {@code archives.upload}.
	 */
	@PostMapping(path = "/api/archives", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<UploadResponse> upload(HttpServletRequest request) throws IOException, ServletException {
		Caller caller = this.callers.current();
		Instant started = Instant.now();
		Map<String, Object> params = new LinkedHashMap<>();
		params.put("bytes", request.getContentLengthLong());
		params.put("content_type", request.getContentType());
		if (caller == null || !caller.role().includes(Role.DEPLOYER)) {
			String message = "forbidden: uploading an archive needs the role deployer";
			audit(caller, params, started, HttpStatus.FORBIDDEN.value(), message);
			return ResponseEntity.status(HttpStatus.FORBIDDEN).body(new Refused(message, List.of()));
		}
		ResponseEntity<UploadResponse> response;
		try {
			response = store(request);
		}
		catch (IOException | ServletException | RuntimeException ex) {
			audit(caller, params, started, HttpStatus.INTERNAL_SERVER_ERROR.value(), ex.toString());
			throw ex;
		}
		UploadResponse body = response.getBody();
		if (response.getStatusCode().is2xxSuccessful()) {
			params.put("archive", (body instanceof Stored stored) ? stored.archive() : null);
			audit(caller, params, started, 0, null);
		}
		else {
			audit(caller, params, started, response.getStatusCode().value(),
					(body instanceof Refused refused) ? refused.message() : "refused");
		}
		return response;
	}

	private void audit(@Nullable Caller caller, Map<String, Object> params, Instant started, int code,
			@Nullable String error) {
		String principal = (caller != null) ? caller.principal() : "anonymous";
		String user = (caller != null) ? caller.user() : null;
		String role = (caller != null) ? caller.role().value() : null;
		Duration took = Duration.between(started, Instant.now());
		this.audit
			.record((error == null) ? AuditEntry.ok(started, principal, user, role, "archives.upload", params, took)
					: AuditEntry.failed(started, principal, user, role, "archives.upload", params, code, error, took));
	}

	private ResponseEntity<UploadResponse> store(HttpServletRequest request) throws IOException, ServletException {
		String id;
		try (InputStream content = content(request)) {
			// X-Upload-Id (or ?upload=): the client's id to ask for progress while
			// it runs
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
		catch (RuntimeException ex) {
			// nothing of a refused upload stays under PYAPP_HOME, whatever the failure
			this.archives.delete(id);
			throw ex;
		}
		return ResponseEntity.status(HttpStatus.CREATED).body(new Stored(id));
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
		return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/");
	}

	private static InputStream content(HttpServletRequest request) throws IOException, ServletException {
		if (isMultipart(request)) {
			Part part;
			try {
				part = request.getPart("file");
			}
			catch (IllegalStateException ex) {
				// Tomcat's refusal of a part over spring.servlet.multipart.max-file-size
				// (multipart is resolved lazily so that it ends here): a 400 naming the
				// limit like a raw upload's, not a bare 413
				throw PyappException.invalid("archive too large",
						List.of(new dev.pyapp.server.core.Problem("file", (ex.getCause() != null)
								? String.valueOf(ex.getCause().getMessage()) : String.valueOf(ex.getMessage()))));
			}
			if (part == null) {
				throw PyappException.invalid("no file",
						List.of(new dev.pyapp.server.core.Problem("file", "the multipart upload has no 'file' part")));
			}
			return part.getInputStream();
		}
		return request.getInputStream();
	}

	private static ResponseEntity<UploadResponse> refused(PyappException ex) {
		if (ex.getKind() != ErrorKind.INVALID) {
			throw ex;
		}
		return ResponseEntity.badRequest()
			.body(new Refused(String.valueOf(ex.getMessage()),
					ex.getProblems().stream().map(ProblemView::of).toList()));
	}

	/** The body of {@code POST /api/archives}. */
	sealed interface UploadResponse permits Stored, Refused {

	}

	/**
	 * 201: the archive is stored and checked.
	 *
	 * @param archive its id, for {@code apps.install}
	 */
	record Stored(String archive) implements UploadResponse {
	}

	/**
	 * 400 or 403: the upload was refused, and nothing of it kept.
	 *
	 * @param message why, in words
	 * @param errors every problem found in the archive (none when forbidden)
	 */
	record Refused(String message, List<ProblemView> errors) implements UploadResponse {
	}

}
