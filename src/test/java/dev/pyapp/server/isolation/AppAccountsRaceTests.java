package dev.pyapp.server.isolation;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.PyappException;
import dev.pyapp.server.core.PyappHome;
import dev.pyapp.server.nodes.HostIsolation;
import dev.pyapp.server.nodes.NodeException;
import dev.pyapp.server.nodes.SystemAccounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * A user name another process takes between the check that it is free and {@code useradd}
 * (a second server on the host installing an app of the same name) costs the app that
 * name, not its install.
 */
class AppAccountsRaceTests {

	private static final AppId APP = AppId.of("blog");

	@TempDir
	Path root;

	private final SystemAccounts accounts = mock(SystemAccounts.class);

	private final AppIsolationRecords records = mock(AppIsolationRecords.class);

	private AppAccounts appAccounts() {
		HostIsolation host = mock(HostIsolation.class);
		given(host.usersUnavailable()).willReturn(Optional.empty());
		given(this.records.findById("blog")).willReturn(Optional.empty());
		given(this.records.save(any())).willAnswer((invocation) -> invocation.getArgument(0));
		return new AppAccounts(new PyappHome(this.root), host, this.accounts, this.records);
	}

	@Test
	void aNameTakenMeanwhileByAnotherServerMovesTheAppToItsNextName() {
		AppAccounts appAccounts = appAccounts();
		List<String> names = AccountNames.candidates(APP, this.root);
		Path home = new PyappHome(this.root).app(APP).home();
		SystemAccounts.Entry others = new SystemAccounts.Entry(names.get(0), 990, 990, AppAccounts.COMMENT + "blog",
				Path.of("/srv/other-server/apps/blog/home"));
		SystemAccounts.Entry made = new SystemAccounts.Entry(names.get(1), 991, 991, AppAccounts.COMMENT + "blog",
				home);
		given(this.accounts.find(names.get(0))).willReturn(Optional.empty(), Optional.of(others));
		given(this.accounts.find(names.get(1))).willReturn(Optional.empty());
		given(this.accounts.create(eq(names.get(0)), eq(home), any(), isNull())).willThrow(
				new NodeException("useradd " + names.get(0) + " failed (exit code 9): user already exists", null));
		given(this.accounts.create(eq(names.get(1)), eq(home), any(), isNull())).willReturn(made);

		AppIdentity identity = appAccounts.ensure(APP);

		assertThat(identity.own()).isTrue();
		assertThat(identity.account().name()).isEqualTo(names.get(1));
	}

	@Test
	void aUseraddThatFailsForAnotherReasonFailsTheInstallWithItsMessage() {
		AppAccounts appAccounts = appAccounts();
		String first = AccountNames.candidates(APP, this.root).get(0);
		given(this.accounts.find(first)).willReturn(Optional.empty());
		given(this.accounts.create(eq(first), any(), any(), isNull()))
			.willThrow(new NodeException("useradd " + first + " failed (exit code 1): cannot open /etc/passwd", null));

		assertThatExceptionOfType(PyappException.class).isThrownBy(() -> appAccounts.ensure(APP))
			.withMessageContaining("cannot open /etc/passwd");
	}

}
