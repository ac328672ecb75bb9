// Placeholder: being written.
export default function ChangesPage(_props: Record<string, unknown>) {
  return <p>ChangesPage is being written.</p>;
}
