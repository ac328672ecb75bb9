// The shell: skip link, header with the places a person goes, who is signed in, and the
// page for the URL. Pages load on demand so the search page's first load stays small.
import { lazy, Suspense } from "react";
import { ErrorBoundary, Loading } from "./components/common";
import { useViewer } from "./auth/viewer";
import { Link, match, useLocation } from "./router";
import { SignInPage } from "./pages/SignIn";
import { SearchPage } from "./pages/search/SearchPage";

// A deep link starts fetching its page's code with the viewer query, not after it: the
// 300-column dataset page must render within half a second of a cold load, and the
// lineage explorer within one and a half.
const datasetChunk = () => import("./pages/dataset/DatasetPage");
const lineageChunk = () => import("./pages/lineage/LineagePage");
if (window.location.pathname.startsWith("/datasets/")) void datasetChunk();
if (window.location.pathname === "/lineage") void lineageChunk();
const DatasetPage = lazy(datasetChunk);
const LineagePage = lazy(lineageChunk);
const ReviewPage = lazy(() => import("./pages/review/ReviewPage"));
const ChangesPage = lazy(() => import("./pages/changes/ChangesPage"));

function Nav({ pathname }: { pathname: string }) {
  const items: [string, string][] = [
    ["/", "Search"],
    ["/review", "PII review"],
    ["/changes", "Changes"],
  ];
  return (
    <nav aria-label="Main">
      <ul>
        {items.map(([to, label]) => {
          const active = to === "/" ? pathname === "/" || pathname === "/search" : pathname.startsWith(to);
          return (
            <li key={to}>
              <Link to={to} aria-current={active ? "page" : undefined}>
                {label}
              </Link>
            </li>
          );
        })}
        <li>
          <a href="/graphql" target="_blank" rel="noopener">
            GraphiQL
          </a>
        </li>
      </ul>
    </nav>
  );
}

function WhoAmI() {
  const viewer = useViewer();
  if (!viewer.authEnabled) return null;
  if (viewer.needsSignIn || !viewer.name) {
    return (
      <Link to="/signin" className="whoami">
        Sign in
      </Link>
    );
  }
  return (
    <span className="whoami">
      <Link to="/signin" title={`Scopes: ${viewer.scopes.join(", ")}`} data-testid="whoami">
        {viewer.name}
      </Link>{" "}
      <span className="muted">({viewer.scopes.join(", ")})</span>{" "}
      <button type="button" className="link" onClick={viewer.signOut}>
        Sign out
      </button>
    </span>
  );
}

export function App() {
  const loc = useLocation();
  const viewer = useViewer();
  const route = match(loc.pathname);

  let page;
  if (viewer.loading) {
    page = <Loading />;
  } else if (viewer.needsSignIn || route.page === "signin") {
    page = <SignInPage />;
  } else {
    switch (route.page) {
      case "search":
        page = <SearchPage />;
        break;
      case "dataset":
        page = <DatasetPage key={`${route.namespace}\u0000${route.name}`} namespace={route.namespace} name={route.name} tab={route.tab} />;
        break;
      case "lineage":
        page = <LineagePage />;
        break;
      case "review":
        page = <ReviewPage />;
        break;
      case "changes":
        page = <ChangesPage />;
        break;
      default:
        page = (
          <section>
            <h1>Page not found</h1>
            <p>
              Nothing lives at <code>{loc.pathname}</code>. <Link to="/">Search the catalog</Link>.
            </p>
          </section>
        );
    }
  }

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand" aria-label="Weft home">
          <img src="/favicon.svg" alt="" width="22" height="22" /> Weft
        </Link>
        <Nav pathname={loc.pathname} />
        <WhoAmI />
      </header>
      <main id="main" tabIndex={-1}>
        <ErrorBoundary resetKey={loc.href}>
          <Suspense fallback={<Loading />}>{page}</Suspense>
        </ErrorBoundary>
      </main>
    </>
  );
}
