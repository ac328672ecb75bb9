// Placeholder: being written.
export default function DatasetPage(_props: Record<string, unknown>) {
  return <p>DatasetPage is being written.</p>;
}
