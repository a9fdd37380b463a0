package dev.pyapp.server.rpc.internal;

import java.util.List;

import dev.pyapp.server.audit.AuditLog;
import dev.pyapp.server.audit.AuditPage;
import dev.pyapp.server.audit.AuditQuery;
import dev.pyapp.server.core.ErrorKind;
import dev.pyapp.server.core.PyappException;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * {@code audit.query}'s cursor (SPEC §10 {@code {records, next}} with {@code before}).
 */
class AuditRpcTests {

	private final AuditLog audit = mock(AuditLog.class);

	private final AuditRpc rpc = new AuditRpc(this.audit);

	@Test
	void takesTheNextOfAPageBackAsItCameOrAsText() {
		given(this.audit.query(any())).willReturn(new AuditPage(List.of(), null));
		ArgumentCaptor<AuditQuery> queries = ArgumentCaptor.forClass(AuditQuery.class);

		this.rpc.query(new AuditRpc.QueryParams(null, null, null, null, 1, 1796490409529000L));
		this.rpc.query(new AuditRpc.QueryParams(null, null, null, null, 1, 42));
		this.rpc.query(new AuditRpc.QueryParams(null, null, null, null, 1, "1796490409529000"));
		this.rpc.query(new AuditRpc.QueryParams(null, null, null, null, 1, null));

		verify(this.audit, org.mockito.Mockito.times(4)).query(queries.capture());
		assertThat(queries.getAllValues()).extracting(AuditQuery::before)
			.containsExactly(1796490409529000L, 42L, 1796490409529000L, null);
	}

	@Test
	void refusesACursorThatIsNoPagesNext() {
		for (Object before : List.<Object>of("yesterday", 1.5, true, List.of(1))) {
			assertThatThrownBy(() -> this.rpc.query(new AuditRpc.QueryParams(null, null, null, null, 1, before)))
				.as(String.valueOf(before))
				.isInstanceOfSatisfying(PyappException.class, (ex) -> {
					assertThat(ex.getKind()).isEqualTo(ErrorKind.INVALID);
					assertThat(ex.getProblems()).singleElement()
						.satisfies((problem) -> assertThat(problem.path()).isEqualTo("before"));
				});
		}
	}

}
