package dev.pyapp.server.rpc;

import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /rpc}. A body of only notifications gets {@code 204 No Content}.
 */
@RestController
class JsonRpcController {

	private final JsonRpcDispatcher dispatcher;

	JsonRpcController(JsonRpcDispatcher dispatcher) {
		this.dispatcher = dispatcher;
	}

	@PostMapping(path = "/rpc", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<JsonNode> rpc(@RequestBody(required = false) String body) {
		JsonNode response = this.dispatcher.dispatch((body != null) ? body : "");
		return (response != null) ? ResponseEntity.ok(response) : ResponseEntity.noContent().build();
	}

}
