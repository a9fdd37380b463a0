package dev.pyapp.server.rpc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.pyapp.server.appconfig.AppConfigurator;
import dev.pyapp.server.appconfig.BaseType;
import dev.pyapp.server.appconfig.ConfigSpec;
import dev.pyapp.server.appconfig.Validation;
import dev.pyapp.server.appconfig.ValidationResult;
import dev.pyapp.server.core.AppId;
import dev.pyapp.server.core.Problem;
import dev.pyapp.server.rpc.internal.AppParams;
import org.junit.jupiter.api.Test;

import static dev.pyapp.server.rpc.RpcJson.assertJson;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The JSON of {@code config.*} results (SPEC §9 "Config values"): values travel nested, a
 * secret's default is never shown, validation lists only the rules that are set.
 */
class ConfigRpcTests {

	private static final AppId BLOG = AppId.of("blog");

	private final AppConfigurator configurator = mock(AppConfigurator.class);

	private final ConfigRpc rpc = new ConfigRpc(this.configurator);

	@Test
	void configSpecResolvesEveryField() {
		Validation length = new Validation(List.of(new Validation.PatternRule("[a-z]+", null)), null, null, 1, 50, null,
				null, null, null, null);
		Validation hosts = new Validation(List.of(), null, null, null, null, 1, 5, null, "hostname", null);
		ConfigSpec.Field title = new ConfigSpec.Field("title", "text", BaseType.STRING, null, false, "Title", null,
				true, "My blog", length, Map.of("placeholder", "a title", "rows", 1), "fragments/widgets/text");
		ConfigSpec.Field key = new ConfigSpec.Field("key", "password", BaseType.STRING, null, true, "Key", "secret",
				false, "s3cret", Validation.NONE, Map.of(), "fragments/widgets/password");
		ConfigSpec.Field allowed = new ConfigSpec.Field("hosts", "list", BaseType.LIST, BaseType.STRING, false, "Hosts",
				null, false, null, hosts, Map.of(), "fragments/widgets/list");
		given(this.configurator.spec(BLOG)).willReturn(new ConfigSpec(1, "yaml",
				List.of(new ConfigSpec.Section("site", "Site", "About the site", List.of(title, key, allowed)))));
		assertJson(this.rpc.spec(new AppParams("blog")), "{'name':'blog','format':1,'output':'yaml','sections':[{"
				+ "'name':'site','label':'Site','help':'About the site','fields':["
				+ "{'name':'title','widget':'text','type':'string','label':'Title','help':null,'required':true,"
				+ "'secret':false,'default':'My blog','has_default':true,'options':{'placeholder':'a title','rows':1},"
				+ "'validation':{'pattern':'[a-z]+','patterns':[{'pattern':'[a-z]+'}],'min_length':1,'max_length':50},"
				+ "'template':'fragments/widgets/text'},"
				+ "{'name':'key','widget':'password','type':'string','label':'Key','help':'secret','required':false,"
				+ "'secret':true,'default':null,'has_default':true,'options':{},'validation':{},"
				+ "'template':'fragments/widgets/password'},"
				+ "{'name':'hosts','widget':'list','type':'list','item_type':'string','label':'Hosts','help':null,"
				+ "'required':false,'secret':false,'default':null,'has_default':false,'options':{},"
				+ "'validation':{'min_items':1,'max_items':5,'validator':'hostname'},"
				+ "'template':'fragments/widgets/list'}]}]}");
	}

	@Test
	void configGet() {
		given(this.configurator.values(BLOG)).willReturn(Map.of("site", values()));
		given(this.configurator.isComplete(BLOG)).willReturn(false);
		assertJson(this.rpc.get(new AppParams("blog")),
				"{'values':{'site':{'title':'x','key':{'set':true}}},'complete':false}");
	}

	@Test
	void configValidateListsEveryError() {
		given(this.configurator.validate(eq(BLOG), any()))
			.willReturn(new ValidationResult(List.of(new Problem("site.title", "is required")), Map.of()));
		assertJson(this.rpc.validate(new ConfigRpc.ValuesParams("blog", Map.of())),
				"{'valid':false,'errors':[{'path':'site.title','message':'is required'}]}");
	}

	@Test
	void configValidateOfValidValues() {
		given(this.configurator.validate(eq(BLOG), any())).willReturn(new ValidationResult(List.of(), Map.of()));
		assertJson(this.rpc.validate(new ConfigRpc.ValuesParams("blog", Map.of())), "{'valid':true,'errors':[]}");
	}

	@Test
	void configSet() {
		given(this.configurator.set(eq(BLOG), any())).willReturn(Map.of("site", values()));
		given(this.configurator.isComplete(BLOG)).willReturn(true);
		assertJson(this.rpc.set(new ConfigRpc.ValuesParams("blog", Map.of())),
				"{'saved':true,'values':{'site':{'title':'x','key':{'set':true}}},'complete':true}");
	}

	private static Map<String, Object> values() {
		Map<String, Object> site = new LinkedHashMap<>();
		site.put("title", "x");
		site.put("key", Map.of("set", true));
		return site;
	}

}
