// GraphiQL on /graphql: queries over HTTP POST, subscriptions over graphql-transport-ws on the
// same URL. The editors' contents live in the URL (?query=…&variables=…) so a link shares them.
(function () {
  "use strict";

  const EXAMPLE_QUERY = `# govgraph (协同督办): press the run button (or Ctrl-Enter).
{
  orgUnit(name: "城区") {
    name
    children { name }
  }
}
`;

  const parameters = new URLSearchParams(window.location.search);

  function remember(name, value) {
    if (value) {
      parameters.set(name, value);
    } else {
      parameters.delete(name);
    }
    const search = parameters.toString();
    history.replaceState(null, "", search ? "?" + search : window.location.pathname);
  }

  const url = window.location.href.split("?")[0].split("#")[0];
  const subscriptionUrl = new URL(url);
  subscriptionUrl.protocol = subscriptionUrl.protocol === "https:" ? "wss:" : "ws:";

  const fetcher = GraphiQL.createFetcher({
    url: url,
    subscriptionUrl: subscriptionUrl.toString(),
  });

  function App() {
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: EXAMPLE_QUERY,
      query: parameters.get("q") || undefined,
      variables: parameters.get("variables") || undefined,
      onEditQuery: (value) => remember("q", value),
      onEditVariables: (value) => remember("variables", value),
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      inputValueDeprecation: true,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(App));
})();
