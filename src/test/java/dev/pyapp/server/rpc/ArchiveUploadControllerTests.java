package dev.pyapp.server.rpc;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.pyapp.server.audit.AuditLog;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.install.ArchiveStore;
import dev.pyapp.server.packaging.PackageReader;
import dev.pyapp.server.security.Caller;
import dev.pyapp.server.security.Callers;
import dev.pyapp.server.security.Role;
import jakarta.servlet.http.Part;
import org.junit.jupiter.api.Test;

import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;

import static dev.pyapp.server.rpc.RpcJson.assertJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * The JSON bodies of {@code POST /api/archives} (SPEC §6 "Uploads", §9 "Archive
 * refusals"): {@code {archive}} when stored, {@code {message, errors}} when refused.
 */
class ArchiveUploadControllerTests {

	private final ArchiveStore archives = mock(ArchiveStore.class);

	private final PackageReader reader = mock(PackageReader.class);

	private final Callers callers = mock(Callers.class);

	private final ArchiveUploadController controller = new ArchiveUploadController(this.archives, this.reader,
			this.callers, mock(AuditLog.class));

	@Test
	void storedUploadNamesTheArchive() throws Exception {
		given(this.callers.current()).willReturn(new Caller("token:ci", null, Role.DEPLOYER));
		given(this.archives.store(any(), isNull(), anyLong())).willReturn("a1");
		given(this.archives.path("a1")).willReturn(Path.of("/srv/uploads/a1"));
		ResponseEntity<?> response = this.controller.upload(request());
		assertThat(response.getStatusCode().value()).isEqualTo(201);
		assertJson(response.getBody(), "{'archive':'a1'}");
	}

	@Test
	void refusedUploadListsTheProblemsAndIsDeleted() throws Exception {
		given(this.callers.current()).willReturn(new Caller("token:ci", null, Role.DEPLOYER));
		given(this.archives.store(any(), isNull(), anyLong())).willReturn("a1");
		given(this.archives.path("a1")).willReturn(Path.of("/srv/uploads/a1"));
		given(this.reader.read(Path.of("/srv/uploads/a1")))
			.willThrow(PyappException.invalid("invalid archive", List.of(new Problem("metadata.yaml", "is missing"))));
		ResponseEntity<?> response = this.controller.upload(request());
		assertThat(response.getStatusCode().value()).isEqualTo(400);
		assertJson(response.getBody(),
				"{'message':'invalid archive','errors':[{'path':'metadata.yaml','message':'is missing'}]}");
		verify(this.archives).delete("a1");
	}

	@Test
	void uploadOfAViewerIsForbidden() throws Exception {
		given(this.callers.current()).willReturn(new Caller("token:ci", null, Role.VIEWER));
		ResponseEntity<?> response = this.controller.upload(request());
		assertThat(response.getStatusCode().value()).isEqualTo(403);
		assertJson(response.getBody(),
				"{'message':'forbidden: uploading an archive needs the role deployer','errors':[]}");
	}

	@Test // SPEC §9: a refusal at once is HTTP 400 with {errors}, for a multipart upload
			// too
	void multipartUploadOverThePartLimitIsRefusedWithTheLimit() throws Exception {
		given(this.callers.current()).willReturn(new Caller("token:ci", null, Role.DEPLOYER));
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/archives") {

			@Override
			public Part getPart(String name) {
				// what Tomcat throws for a part over max-file-size
				throw new IllegalStateException(
						new IOException("The field file exceeds its maximum permitted size of 536870912 bytes."));
			}

		};
		request.setContentType("multipart/form-data; boundary=x");
		ResponseEntity<?> response = this.controller.upload(request);
		assertThat(response.getStatusCode().value()).isEqualTo(400);
		assertJson(response.getBody(), "{'message':'archive too large','errors':[{'path':'file',"
				+ "'message':'The field file exceeds its maximum permitted size of 536870912 bytes.'}]}");
	}

	private static MockHttpServletRequest request() {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/archives");
		request.setContentType("application/octet-stream");
		request.setContent(new byte[] { 'P', 'K' });
		return request;
	}

}
