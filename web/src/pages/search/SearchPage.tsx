// Placeholder: being written.
export function SearchPage() {
  return <p>Search is being written.</p>;
}
