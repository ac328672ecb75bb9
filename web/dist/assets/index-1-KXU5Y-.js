const __vite__mapDeps=(i,m=__vite__mapDeps,d=(m.f||(m.f=["assets/DatasetPage-C5bq4Vy0.js","assets/preload-helper-C_Qr3eCM.js","assets/dotted-name-DK97gntZ.js","assets/live-DL2SN3Hm.js","assets/dist-BKJDFp2Y.js","assets/DatasetPage-C45mW6qg.css","assets/LineagePage-BJFj93mY.js","assets/LineagePage-ByuayAnP.css","assets/ReviewPage-C3FKkL-Y.js","assets/changes-entity--5ghT3eG.js","assets/ReviewPage-F9zhrhcL.css","assets/ChangesPage-C5TlrqcB.js","assets/ChangesPage-CsSkdwB3.css"])))=>i.map(i=>d[i]);
import{a as e,n as t,r as n,t as r,u as i}from"./preload-helper-C_Qr3eCM.js";var a=i(e(),1),o=n(),s=`weft.token`;function c(){try{return window.sessionStorage.getItem(s)}catch{return null}}function l(e){e?window.sessionStorage.setItem(s,e):window.sessionStorage.removeItem(s)}var u=class extends Error{kind;scope;constructor(e,t,n){super(t),this.kind=e,this.scope=n}},d=`weft:unauthenticated`;function f(e){return/lacks the (\w+) scope/.exec(e)?.[1]}async function p(e,t,n){let r={"Content-Type":`application/json`,Accept:`application/graphql-response+json, application/json`},i=c();i&&(r.Authorization=`Bearer ${i}`);let a;try{a=await fetch(`/graphql`,{method:`POST`,headers:r,body:JSON.stringify({query:e.toString(),variables:t??{}}),signal:n})}catch(e){throw e instanceof DOMException&&e.name===`AbortError`?e:new u(`network`,"The Weft server cannot be reached. Is `weft serve` running?")}let o;try{o=await a.json()}catch{o=void 0}let s=o?.errors??[],l=s[0];if(a.status===401||l?.extensions?.code===`UNAUTHENTICATED`)throw window.dispatchEvent(new CustomEvent(d)),new u(`unauthenticated`,l?.message??`Sign in with a token to continue.`);if(a.status===403||l?.extensions?.code===`FORBIDDEN`){let e=l?.message??`This token is not allowed to do that.`;throw new u(`forbidden`,e,f(e))}if(!o)throw new u(`http`,`The server answered ${a.status} ${a.statusText} without a readable body.`);if(s.length>0&&(o.data===null||o.data===void 0))throw new u(`graphql`,s.map(e=>e.message).join(`; `));return s.length>0&&console.warn(`GraphQL field errors`,s),o.data}function m(e){return e instanceof u?e.kind===`forbidden`&&e.scope?`Your token lacks the “${e.scope}” scope needed for this. Ask an admin for a token with it.`:e.message:e instanceof Error?e.message:String(e)}var h=t();function g({error:e,onRetry:t}){return(0,h.jsxs)(`div`,{role:`alert`,className:`error`,children:[(0,h.jsx)(`strong`,{children:`Something went wrong.`}),` `,m(e),` `,t&&(0,h.jsx)(`button`,{type:`button`,className:`link`,onClick:t,children:`Try again`})]})}function _({what:e}){return(0,h.jsxs)(`p`,{className:`loading`,role:`status`,"aria-live":`polite`,children:[`Loading`,e?` ${e}`:``,`…`]})}function v({tag:e,status:t,origin:n,onClick:r,title:i}){let a=`tag ${e.startsWith(`pii.`)?`tag-pii`:``} ${t?`tag-${t}`:``}`.trim(),o=(0,h.jsxs)(h.Fragment,{children:[e,t&&t!==`confirmed`?(0,h.jsxs)(`span`,{className:`tag-status`,children:[` · `,t]}):null,n?(0,h.jsxs)(`span`,{className:`tag-origin`,children:[` · `,n]}):null]}),s=i??[e,t,n].filter(Boolean).join(` · `);return r?(0,h.jsx)(`button`,{type:`button`,className:a,onClick:r,title:s,"aria-label":`${s}: explain`,children:o}):(0,h.jsx)(`span`,{className:a,title:s,children:o})}function y({tags:e}){return e.length===0?null:(0,h.jsxs)(`span`,{className:`badge badge-pii`,title:`Personal data: ${e.join(`, `)}`,children:[`PII`,e.length>0?`: ${e.map(e=>e.replace(/^pii\./,``)).join(`, `)}`:``]})}function b({tier:e}){return e?(0,h.jsx)(`span`,{className:`badge tier tier-${e.toLowerCase()}`,children:e}):null}function x({owners:e}){return e.length===0?(0,h.jsx)(`span`,{className:`muted`,children:`no owner`}):(0,h.jsx)(`span`,{className:`owners`,children:e.map(e=>(0,h.jsx)(`span`,{className:`owner`,title:e.type??void 0,children:e.name.replace(/^(user|team|group):/,``)},e.name))})}var S=[[`year`,31536e3],[`month`,2592e3],[`week`,604800],[`day`,86400],[`hour`,3600],[`minute`,60],[`second`,1]],C=new Intl.RelativeTimeFormat(`en`,{numeric:`auto`});function w({at:e,empty:t=`never`}){if(!e)return(0,h.jsx)(`span`,{className:`muted`,children:t});let n=new Date(e),r=(n.getTime()-Date.now())/1e3,[i,a]=S.find(([,e])=>Math.abs(r)>=e)??[`second`,1];return(0,h.jsx)(`time`,{dateTime:e,title:n.toISOString(),children:C.format(Math.round(r/a),i)})}var T=class extends a.Component{state={error:void 0};static getDerivedStateFromError(e){return{error:e}}componentDidUpdate(e){e.resetKey!==this.props.resetKey&&this.state.error&&this.setState({error:void 0})}render(){return this.state.error?(0,h.jsx)(g,{error:this.state.error}):this.props.children}},E=class extends String{__apiType;value;__meta__;constructor(e,t){super(e),this.value=e,this.__meta__=t}toString(){return this.value}},D=new E(`
    fragment DatasetRunFields on Run {
  id
  state
  startedAt
  endedAt
  durationMs
  createdAt
}
    `,{fragmentName:`DatasetRunFields`}),O=new E(`
    fragment OneHop on LineageGraph {
  truncated
  nodes {
    id
    type
    namespace
    name
    depth
    hiddenChildren
  }
  edges {
    src
    dst
    origin
    stale
    job {
      namespace
      name
    }
  }
}
    `,{fragmentName:`OneHop`}),ee=new E(`
    fragment LineageEdgeFields on LineageEdge {
  src
  dst
  level
  origin
  job {
    namespace
    name
  }
  transformations {
    type
    subtype
    description
    masking
  }
  supportingEdges
  stale
}
    `,{fragmentName:`LineageEdgeFields`}),te=new E(`
    fragment LineageGraphFields on LineageGraph {
  truncated
  nodes {
    id
    type
    namespace
    name
    field
    depth
    usage
    hasColumnLineage
    hiddenChildren
  }
  edges {
    ...LineageEdgeFields
  }
}
    fragment LineageEdgeFields on LineageEdge {
  src
  dst
  level
  origin
  job {
    namespace
    name
  }
  transformations {
    type
    subtype
    description
    masking
  }
  supportingEdges
  stale
}`,{fragmentName:`LineageGraphFields`}),ne=new E(`
    fragment LineageDatasetColumns on Dataset {
  id
  columns(first: 100) {
    totalCount
    nodes {
      name
      type
      tags {
        key
        status
      }
    }
  }
  downstream(columnLevel: true) {
    edges {
      ...LineageEdgeFields
    }
  }
}
    fragment LineageEdgeFields on LineageEdge {
  src
  dst
  level
  origin
  job {
    namespace
    name
  }
  transformations {
    type
    subtype
    description
    masking
  }
  supportingEdges
  stale
}`,{fragmentName:`LineageDatasetColumns`}),re=new E(`
    fragment SearchHitFields on SearchHit {
  type
  name
  namespace
  nodeId
  marks
  updatedAt
  explain {
    factor
    value
  }
  matchedColumns
  highlights {
    field
    fragment
  }
  dataset {
    platform
    description
    tier
    lastModifiedAt
    piiTags
    deprecation {
      note
      by
    }
    owners {
      name
      type
    }
  }
  job {
    description
    owners {
      name
      type
    }
  }
}
    `,{fragmentName:`SearchHitFields`}),ie={"\n  query Viewer {\n    viewer {\n      authEnabled\n      name\n      scopes\n    }\n  }\n":new E(`
    query Viewer {
  viewer {
    authEnabled
    name
    scopes
  }
}
    `),"\n  query ChangesProbe {\n    changes(first: 0) {\n      lastSeq\n    }\n  }\n":new E(`
    query ChangesProbe {
  changes(first: 0) {
    lastSeq
  }
}
    `),"\n  query ChangesWindow($since: Int!, $first: Int!, $kind: String, $namespace: String, $entityPrefix: String) {\n    changes(since: $since, first: $first, kind: $kind, namespace: $namespace, entityPrefix: $entityPrefix) {\n      nodes {\n        seq\n        at\n        actor\n        kind\n        entity\n        namespace\n      }\n    }\n  }\n":new E(`
    query ChangesWindow($since: Int!, $first: Int!, $kind: String, $namespace: String, $entityPrefix: String) {
  changes(
    since: $since
    first: $first
    kind: $kind
    namespace: $namespace
    entityPrefix: $entityPrefix
  ) {
    nodes {
      seq
      at
      actor
      kind
      entity
      namespace
    }
  }
}
    `),"\n  subscription LiveChanges($since: Int, $filter: ChangeFilter) {\n    metadataChanges(since: $since, filter: $filter) {\n      seq\n      at\n      actor\n      kind\n      entity\n      namespace\n    }\n  }\n":new E(`
    subscription LiveChanges($since: Int, $filter: ChangeFilter) {
  metadataChanges(since: $since, filter: $filter) {
    seq
    at
    actor
    kind
    entity
    namespace
  }
}
    `),"\n  query ChangePayload($since: Int!) {\n    changes(since: $since, first: 1) {\n      nodes {\n        seq\n        payload\n      }\n    }\n  }\n":new E(`
    query ChangePayload($since: Int!) {
  changes(since: $since, first: 1) {
    nodes {
      seq
      payload
    }
  }
}
    `),"\n  mutation ReviewTags($items: [ReviewTarget!]!, $decision: ReviewDecision!, $reason: String, $reviewer: String) {\n    reviewTags(items: $items, decision: $decision, reason: $reason, reviewer: $reviewer) {\n      effect {\n        lost\n        gained\n        kept\n        changed {\n          id\n          namespace\n          dataset\n          field\n        }\n      }\n    }\n  }\n":new E(`
    mutation ReviewTags($items: [ReviewTarget!]!, $decision: ReviewDecision!, $reason: String, $reviewer: String) {
  reviewTags(
    items: $items
    decision: $decision
    reason: $reason
    reviewer: $reviewer
  ) {
    effect {
      lost
      gained
      kept
      changed {
        id
        namespace
        dataset
        field
      }
    }
  }
}
    `),"\n  query ChangeNamespaces {\n    namespaces(first: 100) {\n      nodes {\n        name\n      }\n    }\n  }\n":new E(`
    query ChangeNamespaces {
  namespaces(first: 100) {
    nodes {
      name
    }
  }
}
    `),"\n  query DatasetHeader($namespace: String!, $name: String!) {\n    governance {\n      classifications\n    }\n    dataset(namespace: $namespace, name: $name) {\n      id\n      namespace\n      name\n      type\n      platform\n      description\n      deleted\n      lifecycleState\n      lastModifiedAt\n      currentVersion\n      tier\n      classification\n      retention\n      piiTags\n      deprecation {\n        note\n        by\n        at\n      }\n      owners {\n        name\n        type\n      }\n      tags {\n        key\n        value\n        origin\n      }\n    }\n  }\n":new E(`
    query DatasetHeader($namespace: String!, $name: String!) {
  governance {
    classifications
  }
  dataset(namespace: $namespace, name: $name) {
    id
    namespace
    name
    type
    platform
    description
    deleted
    lifecycleState
    lastModifiedAt
    currentVersion
    tier
    classification
    retention
    piiTags
    deprecation {
      note
      by
      at
    }
    owners {
      name
      type
    }
    tags {
      key
      value
      origin
    }
  }
}
    `),"\n  query DatasetVersions($namespace: String!, $name: String!) {\n    dataset(namespace: $namespace, name: $name) {\n      id\n      currentVersion\n      versions(first: 100) {\n        totalCount\n        nodes {\n          version\n          createdAt\n          createdByRun\n          fields {\n            name\n            type\n          }\n        }\n      }\n    }\n  }\n":new E(`
    query DatasetVersions($namespace: String!, $name: String!) {
  dataset(namespace: $namespace, name: $name) {
    id
    currentVersion
    versions(first: 100) {
      totalCount
      nodes {
        version
        createdAt
        createdByRun
        fields {
          name
          type
        }
      }
    }
  }
}
    `),"\n  query DatasetHistory($namespace: String!, $name: String!, $after: String) {\n    dataset(namespace: $namespace, name: $name) {\n      id\n      history(first: 25, after: $after) {\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          seq\n          at\n          actor\n          kind\n          entity\n          payload\n        }\n      }\n    }\n  }\n":new E(`
    query DatasetHistory($namespace: String!, $name: String!, $after: String) {
  dataset(namespace: $namespace, name: $name) {
    id
    history(first: 25, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        seq
        at
        actor
        kind
        entity
        payload
      }
    }
  }
}
    `),"\n  fragment DatasetRunFields on Run {\n    id\n    state\n    startedAt\n    endedAt\n    durationMs\n    createdAt\n  }\n":D,"\n  query DatasetJobs($namespace: String!, $name: String!) {\n    dataset(namespace: $namespace, name: $name) {\n      id\n      jobs {\n        role\n        job {\n          id\n          namespace\n          name\n          type\n          description\n          sql\n          location\n          latestRun {\n            id\n            state\n            startedAt\n            endedAt\n            durationMs\n            updatedAt\n          }\n          runs(first: 10) {\n            totalCount\n            pageInfo {\n              hasNextPage\n              endCursor\n            }\n            nodes {\n              ...DatasetRunFields\n            }\n          }\n          sqlLineage {\n            statements\n            edges\n            errors {\n              statement\n              line\n              column\n              message\n            }\n            unresolved\n            analyzedAt\n          }\n        }\n      }\n    }\n  }\n":new E(`
    query DatasetJobs($namespace: String!, $name: String!) {
  dataset(namespace: $namespace, name: $name) {
    id
    jobs {
      role
      job {
        id
        namespace
        name
        type
        description
        sql
        location
        latestRun {
          id
          state
          startedAt
          endedAt
          durationMs
          updatedAt
        }
        runs(first: 10) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            ...DatasetRunFields
          }
        }
        sqlLineage {
          statements
          edges
          errors {
            statement
            line
            column
            message
          }
          unresolved
          analyzedAt
        }
      }
    }
  }
}
    fragment DatasetRunFields on Run {
  id
  state
  startedAt
  endedAt
  durationMs
  createdAt
}`),"\n  query DatasetJobRuns($namespace: String!, $name: String!, $after: String) {\n    job(namespace: $namespace, name: $name) {\n      id\n      runs(first: 25, after: $after) {\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          ...DatasetRunFields\n        }\n      }\n    }\n  }\n":new E(`
    query DatasetJobRuns($namespace: String!, $name: String!, $after: String) {
  job(namespace: $namespace, name: $name) {
    id
    runs(first: 25, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...DatasetRunFields
      }
    }
  }
}
    fragment DatasetRunFields on Run {
  id
  state
  startedAt
  endedAt
  durationMs
  createdAt
}`),"\n  fragment OneHop on LineageGraph {\n    truncated\n    nodes {\n      id\n      type\n      namespace\n      name\n      depth\n      hiddenChildren\n    }\n    edges {\n      src\n      dst\n      origin\n      stale\n      job {\n        namespace\n        name\n      }\n    }\n  }\n":O,"\n  query DatasetLineage($namespace: String!, $name: String!) {\n    dataset(namespace: $namespace, name: $name) {\n      id\n      upstream(depth: 1, maxChildren: 100) {\n        ...OneHop\n      }\n      downstream(depth: 1, maxChildren: 100) {\n        ...OneHop\n      }\n      impact {\n        datasets(first: 10) {\n          totalCount\n          nodes {\n            id\n            namespace\n            name\n            tier\n            owners {\n              name\n            }\n          }\n        }\n        columns(first: 1) {\n          totalCount\n        }\n      }\n    }\n  }\n":new E(`
    query DatasetLineage($namespace: String!, $name: String!) {
  dataset(namespace: $namespace, name: $name) {
    id
    upstream(depth: 1, maxChildren: 100) {
      ...OneHop
    }
    downstream(depth: 1, maxChildren: 100) {
      ...OneHop
    }
    impact {
      datasets(first: 10) {
        totalCount
        nodes {
          id
          namespace
          name
          tier
          owners {
            name
          }
        }
      }
      columns(first: 1) {
        totalCount
      }
    }
  }
}
    fragment OneHop on LineageGraph {
  truncated
  nodes {
    id
    type
    namespace
    name
    depth
    hiddenChildren
  }
  edges {
    src
    dst
    origin
    stale
    job {
      namespace
      name
    }
  }
}`),"\n  query DatasetColumns($namespace: String!, $name: String!, $after: String) {\n    dataset(namespace: $namespace, name: $name) {\n      id\n      columns(first: 100, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          name\n          type\n          description\n          ordinal\n          tags {\n            key\n            status\n            origin\n          }\n        }\n      }\n    }\n  }\n":new E(`
    query DatasetColumns($namespace: String!, $name: String!, $after: String) {
  dataset(namespace: $namespace, name: $name) {
    id
    columns(first: 100, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        name
        type
        description
        ordinal
        tags {
          key
          status
          origin
        }
      }
    }
  }
}
    `),"\n  query DatasetTagExplanation($namespace: String!, $dataset: String!, $column: String!) {\n    column(namespace: $namespace, dataset: $dataset, name: $column) {\n      id\n      name\n      tags {\n        key\n        status\n        origin\n        declared\n        manual\n        detectedBy\n        propagated\n        explanation(paths: 5) {\n          totalPaths\n          paths {\n            start\n            startTag\n            source {\n              kind\n              rule\n            }\n            hops {\n              from\n              to\n              origin\n              job {\n                namespace\n                name\n              }\n              tagIn\n              tagOut\n              rule\n              why\n            }\n          }\n          review {\n            reviewer\n            reason\n            at\n          }\n        }\n      }\n    }\n  }\n":new E(`
    query DatasetTagExplanation($namespace: String!, $dataset: String!, $column: String!) {
  column(namespace: $namespace, dataset: $dataset, name: $column) {
    id
    name
    tags {
      key
      status
      origin
      declared
      manual
      detectedBy
      propagated
      explanation(paths: 5) {
        totalPaths
        paths {
          start
          startTag
          source {
            kind
            rule
          }
          hops {
            from
            to
            origin
            job {
              namespace
              name
            }
            tagIn
            tagOut
            rule
            why
          }
        }
        review {
          reviewer
          reason
          at
        }
      }
    }
  }
}
    `),"\n  query DatasetUsage($namespace: String!, $name: String!) {\n    dataset(namespace: $namespace, name: $name) {\n      id\n      usage(days: 30) {\n        since\n        reads\n        writes\n        users\n        statements\n        lastRead\n        days {\n          day\n          reads\n          writes\n          users\n          queries\n        }\n        columns {\n          name\n          reads\n          writes\n          users\n        }\n      }\n    }\n  }\n":new E(`
    query DatasetUsage($namespace: String!, $name: String!) {
  dataset(namespace: $namespace, name: $name) {
    id
    usage(days: 30) {
      since
      reads
      writes
      users
      statements
      lastRead
      days {
        day
        reads
        writes
        users
        queries
      }
      columns {
        name
        reads
        writes
        users
      }
    }
  }
}
    `),"\n  mutation DatasetSetDescription($namespace: String!, $dataset: String!, $column: String, $description: String) {\n    setDescription(namespace: $namespace, dataset: $dataset, column: $column, description: $description) {\n      id\n    }\n  }\n":new E(`
    mutation DatasetSetDescription($namespace: String!, $dataset: String!, $column: String, $description: String) {
  setDescription(
    namespace: $namespace
    dataset: $dataset
    column: $column
    description: $description
  ) {
    id
  }
}
    `),"\n  mutation DatasetSetOwners($namespace: String!, $dataset: String!, $owners: [OwnerInput!]!) {\n    setOwners(namespace: $namespace, dataset: $dataset, owners: $owners) {\n      id\n    }\n  }\n":new E(`
    mutation DatasetSetOwners($namespace: String!, $dataset: String!, $owners: [OwnerInput!]!) {
  setOwners(namespace: $namespace, dataset: $dataset, owners: $owners) {
    id
  }
}
    `),"\n  mutation DatasetSetTier($namespace: String!, $dataset: String!, $tier: String) {\n    setTier(namespace: $namespace, dataset: $dataset, tier: $tier) {\n      id\n    }\n  }\n":new E(`
    mutation DatasetSetTier($namespace: String!, $dataset: String!, $tier: String) {
  setTier(namespace: $namespace, dataset: $dataset, tier: $tier) {
    id
  }
}
    `),"\n  mutation DatasetSetClassification($namespace: String!, $dataset: String!, $classification: String) {\n    setClassification(namespace: $namespace, dataset: $dataset, classification: $classification) {\n      id\n    }\n  }\n":new E(`
    mutation DatasetSetClassification($namespace: String!, $dataset: String!, $classification: String) {
  setClassification(
    namespace: $namespace
    dataset: $dataset
    classification: $classification
  ) {
    id
  }
}
    `),"\n  mutation DatasetSetRetention($namespace: String!, $dataset: String!, $retention: String) {\n    setRetention(namespace: $namespace, dataset: $dataset, retention: $retention) {\n      id\n    }\n  }\n":new E(`
    mutation DatasetSetRetention($namespace: String!, $dataset: String!, $retention: String) {
  setRetention(namespace: $namespace, dataset: $dataset, retention: $retention) {
    id
  }
}
    `),"\n  mutation DatasetAddTag($namespace: String!, $dataset: String!, $column: String, $tag: String!, $reason: String) {\n    addTag(namespace: $namespace, dataset: $dataset, column: $column, tag: $tag, reason: $reason) {\n      id\n    }\n  }\n":new E(`
    mutation DatasetAddTag($namespace: String!, $dataset: String!, $column: String, $tag: String!, $reason: String) {
  addTag(
    namespace: $namespace
    dataset: $dataset
    column: $column
    tag: $tag
    reason: $reason
  ) {
    id
  }
}
    `),"\n  mutation DatasetRemoveTag($namespace: String!, $dataset: String!, $column: String, $tag: String!) {\n    removeTag(namespace: $namespace, dataset: $dataset, column: $column, tag: $tag) {\n      id\n    }\n  }\n":new E(`
    mutation DatasetRemoveTag($namespace: String!, $dataset: String!, $column: String, $tag: String!) {
  removeTag(namespace: $namespace, dataset: $dataset, column: $column, tag: $tag) {
    id
  }
}
    `),"\n  mutation DatasetDeprecate($namespace: String!, $dataset: String!, $deprecated: Boolean!, $note: String) {\n    deprecateDataset(namespace: $namespace, dataset: $dataset, deprecated: $deprecated, note: $note) {\n      id\n    }\n  }\n":new E(`
    mutation DatasetDeprecate($namespace: String!, $dataset: String!, $deprecated: Boolean!, $note: String) {
  deprecateDataset(
    namespace: $namespace
    dataset: $dataset
    deprecated: $deprecated
    note: $note
  ) {
    id
  }
}
    `),"\n  subscription DatasetChanges($filter: ChangeFilter) {\n    metadataChanges(filter: $filter) {\n      seq\n      kind\n      entity\n    }\n  }\n":new E(`
    subscription DatasetChanges($filter: ChangeFilter) {
  metadataChanges(filter: $filter) {
    seq
    kind
    entity
  }
}
    `),"\n  fragment LineageEdgeFields on LineageEdge {\n    src\n    dst\n    level\n    origin\n    job {\n      namespace\n      name\n    }\n    transformations {\n      type\n      subtype\n      description\n      masking\n    }\n    supportingEdges\n    stale\n  }\n":ee,"\n  fragment LineageGraphFields on LineageGraph {\n    truncated\n    nodes {\n      id\n      type\n      namespace\n      name\n      field\n      depth\n      usage\n      hasColumnLineage\n      hiddenChildren\n    }\n    edges {\n      ...LineageEdgeFields\n    }\n  }\n":te,"\n  query LineageNeighbourhood($nodeId: String!, $depth: Int!, $maxChildren: Int) {\n    up: lineage(nodeId: $nodeId, direction: UPSTREAM, depth: $depth, maxChildren: $maxChildren) {\n      ...LineageGraphFields\n    }\n    down: lineage(nodeId: $nodeId, direction: DOWNSTREAM, depth: $depth, maxChildren: $maxChildren) {\n      ...LineageGraphFields\n    }\n  }\n":new E(`
    query LineageNeighbourhood($nodeId: String!, $depth: Int!, $maxChildren: Int) {
  up: lineage(
    nodeId: $nodeId
    direction: UPSTREAM
    depth: $depth
    maxChildren: $maxChildren
  ) {
    ...LineageGraphFields
  }
  down: lineage(
    nodeId: $nodeId
    direction: DOWNSTREAM
    depth: $depth
    maxChildren: $maxChildren
  ) {
    ...LineageGraphFields
  }
}
    fragment LineageEdgeFields on LineageEdge {
  src
  dst
  level
  origin
  job {
    namespace
    name
  }
  transformations {
    type
    subtype
    description
    masking
  }
  supportingEdges
  stale
}
fragment LineageGraphFields on LineageGraph {
  truncated
  nodes {
    id
    type
    namespace
    name
    field
    depth
    usage
    hasColumnLineage
    hiddenChildren
  }
  edges {
    ...LineageEdgeFields
  }
}`),"\n  query LineageHop($nodeId: String!, $direction: LineageDirection!, $maxChildren: Int!) {\n    lineage(nodeId: $nodeId, direction: $direction, depth: 1, maxChildren: $maxChildren) {\n      ...LineageGraphFields\n    }\n  }\n":new E(`
    query LineageHop($nodeId: String!, $direction: LineageDirection!, $maxChildren: Int!) {
  lineage(
    nodeId: $nodeId
    direction: $direction
    depth: 1
    maxChildren: $maxChildren
  ) {
    ...LineageGraphFields
  }
}
    fragment LineageEdgeFields on LineageEdge {
  src
  dst
  level
  origin
  job {
    namespace
    name
  }
  transformations {
    type
    subtype
    description
    masking
  }
  supportingEdges
  stale
}
fragment LineageGraphFields on LineageGraph {
  truncated
  nodes {
    id
    type
    namespace
    name
    field
    depth
    usage
    hasColumnLineage
    hiddenChildren
  }
  edges {
    ...LineageEdgeFields
  }
}`),"\n  query LineagePaths($from: String!, $to: String!) {\n    columnPaths(from: $from, to: $to, limit: 10, maxDepth: 20) {\n      total\n      paths {\n        edges {\n          ...LineageEdgeFields\n        }\n      }\n    }\n  }\n":new E(`
    query LineagePaths($from: String!, $to: String!) {
  columnPaths(from: $from, to: $to, limit: 10, maxDepth: 20) {
    total
    paths {
      edges {
        ...LineageEdgeFields
      }
    }
  }
}
    fragment LineageEdgeFields on LineageEdge {
  src
  dst
  level
  origin
  job {
    namespace
    name
  }
  transformations {
    type
    subtype
    description
    masking
  }
  supportingEdges
  stale
}`),"\n  query LineageDatasetDetails($namespace: String!, $name: String!) {\n    dataset(namespace: $namespace, name: $name) {\n      id\n      namespace\n      name\n      type\n      platform\n      description\n      tier\n      deleted\n      lastModifiedAt\n      deprecation {\n        note\n      }\n      owners {\n        name\n        type\n      }\n      columns(first: 100) {\n        totalCount\n        nodes {\n          name\n          tags {\n            key\n            status\n          }\n        }\n      }\n    }\n  }\n":new E(`
    query LineageDatasetDetails($namespace: String!, $name: String!) {
  dataset(namespace: $namespace, name: $name) {
    id
    namespace
    name
    type
    platform
    description
    tier
    deleted
    lastModifiedAt
    deprecation {
      note
    }
    owners {
      name
      type
    }
    columns(first: 100) {
      totalCount
      nodes {
        name
        tags {
          key
          status
        }
      }
    }
  }
}
    `),"\n  fragment LineageDatasetColumns on Dataset {\n    id\n    columns(first: 100) {\n      totalCount\n      nodes {\n        name\n        type\n        tags {\n          key\n          status\n        }\n      }\n    }\n    downstream(columnLevel: true) {\n      edges {\n        ...LineageEdgeFields\n      }\n    }\n  }\n":ne,"\n  query ReviewQueue(\n    $owner: String\n    $unowned: Boolean!\n    $tag: String\n    $dataset: String\n    $status: ReviewStatus!\n    $first: Int\n    $after: String\n  ) {\n    piiReviewQueue(\n      owner: $owner\n      unowned: $unowned\n      tag: $tag\n      dataset: $dataset\n      status: $status\n      first: $first\n      after: $after\n    ) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        columnId\n        namespace\n        datasetName\n        field\n        tag\n        status\n        origin\n        unowned\n        owners {\n          name\n          type\n        }\n        column {\n          tags {\n            key\n            explanation(paths: 3) {\n              totalPaths\n              paths {\n                start\n                startTag\n                source {\n                  kind\n                  rule\n                }\n                hops {\n                  from\n                  to\n                  origin\n                  rule\n                  why\n                  tagIn\n                  tagOut\n                  job {\n                    namespace\n                    name\n                  }\n                }\n              }\n              review {\n                reviewer\n                reason\n                at\n                seq\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n":new E(`
    query ReviewQueue($owner: String, $unowned: Boolean!, $tag: String, $dataset: String, $status: ReviewStatus!, $first: Int, $after: String) {
  piiReviewQueue(
    owner: $owner
    unowned: $unowned
    tag: $tag
    dataset: $dataset
    status: $status
    first: $first
    after: $after
  ) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      columnId
      namespace
      datasetName
      field
      tag
      status
      origin
      unowned
      owners {
        name
        type
      }
      column {
        tags {
          key
          explanation(paths: 3) {
            totalPaths
            paths {
              start
              startTag
              source {
                kind
                rule
              }
              hops {
                from
                to
                origin
                rule
                why
                tagIn
                tagOut
                job {
                  namespace
                  name
                }
              }
            }
            review {
              reviewer
              reason
              at
              seq
            }
          }
        }
      }
    }
  }
}
    `),"\n  query SearchResults($query: String!, $filter: SearchFilter, $first: Int!) {\n    search(query: $query, filter: $filter, first: $first, prefix: true) {\n      totalCount\n      notice\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...SearchHitFields\n        }\n      }\n    }\n  }\n":new E(`
    query SearchResults($query: String!, $filter: SearchFilter, $first: Int!) {
  search(query: $query, filter: $filter, first: $first, prefix: true) {
    totalCount
    notice
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...SearchHitFields
      }
    }
  }
}
    fragment SearchHitFields on SearchHit {
  type
  name
  namespace
  nodeId
  marks
  updatedAt
  explain {
    factor
    value
  }
  matchedColumns
  highlights {
    field
    fragment
  }
  dataset {
    platform
    description
    tier
    lastModifiedAt
    piiTags
    deprecation {
      note
      by
    }
    owners {
      name
      type
    }
  }
  job {
    description
    owners {
      name
      type
    }
  }
}`),"\n  query SearchFacetCounts($query: String!, $filter: SearchFilter) {\n    search(query: $query, filter: $filter, first: 1, prefix: true) {\n      facets {\n        platform {\n          value\n          count\n        }\n        namespace {\n          value\n          count\n        }\n        tag {\n          value\n          count\n        }\n        owner {\n          value\n          count\n        }\n        tier {\n          value\n          count\n        }\n      }\n    }\n  }\n":new E(`
    query SearchFacetCounts($query: String!, $filter: SearchFilter) {
  search(query: $query, filter: $filter, first: 1, prefix: true) {
    facets {
      platform {
        value
        count
      }
      namespace {
        value
        count
      }
      tag {
        value
        count
      }
      owner {
        value
        count
      }
      tier {
        value
        count
      }
    }
  }
}
    `),"\n  query SearchMore($query: String!, $filter: SearchFilter, $first: Int!, $after: String!) {\n    search(query: $query, filter: $filter, first: $first, after: $after, prefix: true) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...SearchHitFields\n        }\n      }\n    }\n  }\n":new E(`
    query SearchMore($query: String!, $filter: SearchFilter, $first: Int!, $after: String!) {
  search(
    query: $query
    filter: $filter
    first: $first
    after: $after
    prefix: true
  ) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...SearchHitFields
      }
    }
  }
}
    fragment SearchHitFields on SearchHit {
  type
  name
  namespace
  nodeId
  marks
  updatedAt
  explain {
    factor
    value
  }
  matchedColumns
  highlights {
    field
    fragment
  }
  dataset {
    platform
    description
    tier
    lastModifiedAt
    piiTags
    deprecation {
      note
      by
    }
    owners {
      name
      type
    }
  }
  job {
    description
    owners {
      name
      type
    }
  }
}`),"\n  fragment SearchHitFields on SearchHit {\n    type\n    name\n    namespace\n    nodeId\n    marks\n    updatedAt\n    explain {\n      factor\n      value\n    }\n    matchedColumns\n    highlights {\n      field\n      fragment\n    }\n    dataset {\n      platform\n      description\n      tier\n      lastModifiedAt\n      piiTags\n      deprecation {\n        note\n        by\n      }\n      owners {\n        name\n        type\n      }\n    }\n    job {\n      description\n      owners {\n        name\n        type\n      }\n    }\n  }\n":re,"\n  query Suggest($prefix: String!, $filter: SearchFilter) {\n    suggest(prefix: $prefix, filter: $filter, first: 8) {\n      kind\n      namespace\n      name\n      nodeId\n    }\n  }\n":new E(`
    query Suggest($prefix: String!, $filter: SearchFilter) {
  suggest(prefix: $prefix, filter: $filter, first: 8) {
    kind
    namespace
    name
    nodeId
  }
}
    `),'\n  query SearchStart {\n    gold: search(query: "", filter: { tier: "gold", type: DATASET }, first: 8) {\n      totalCount\n      edges {\n        node {\n          ...SearchHitFields\n        }\n      }\n    }\n    namespaces(first: 50) {\n      nodes {\n        name\n        description\n      }\n    }\n  }\n':new E(`
    query SearchStart {
  gold: search(query: "", filter: {tier: "gold", type: DATASET}, first: 8) {
    totalCount
    edges {
      node {
        ...SearchHitFields
      }
    }
  }
  namespaces(first: 50) {
    nodes {
      name
      description
    }
  }
}
    fragment SearchHitFields on SearchHit {
  type
  name
  namespace
  nodeId
  marks
  updatedAt
  explain {
    factor
    value
  }
  matchedColumns
  highlights {
    field
    fragment
  }
  dataset {
    platform
    description
    tier
    lastModifiedAt
    piiTags
    deprecation {
      note
      by
    }
    owners {
      name
      type
    }
  }
  job {
    description
    owners {
      name
      type
    }
  }
}`)};function k(e){return ie[e]??{}}var ae=k(`
  query Viewer {
    viewer {
      authEnabled
      name
      scopes
    }
  }
`),A=(0,a.createContext)(null);function oe({children:e}){let[t,n]=(0,a.useState)({loading:!0,needsSignIn:!1,authEnabled:!1,name:null,scopes:[],error:null}),r=(0,a.useCallback)(async()=>{try{let e=await p(ae);return(0,a.startTransition)(()=>n({loading:!1,needsSignIn:!1,authEnabled:e.viewer.authEnabled,name:e.viewer.name??null,scopes:e.viewer.scopes,error:null})),!0}catch(e){return e instanceof u&&e.kind===`unauthenticated`?n(e=>({...e,loading:!1,needsSignIn:!0,authEnabled:!0,name:null,scopes:[],error:c()?`That token is not valid (unknown, revoked or mistyped).`:null})):n(t=>({...t,loading:!1,error:e instanceof Error?e.message:String(e)})),!1}},[]);(0,a.useEffect)(()=>{r();let e=()=>n(e=>({...e,needsSignIn:!0,authEnabled:!0,name:null,scopes:[]}));return window.addEventListener(d,e),()=>window.removeEventListener(d,e)},[r]);let i=(0,a.useMemo)(()=>({...t,can:e=>!t.authEnabled||t.scopes.includes(e)||t.scopes.includes(`admin`),signIn:async e=>{l(e.trim());let t=await r();return t||l(null),t},signOut:()=>{l(null),r()}}),[t,r]);return(0,h.jsx)(A.Provider,{value:i,children:e})}function j(){let e=(0,a.useContext)(A);if(!e)throw Error(`useViewer outside ViewerProvider`);return e}var M=`weft:navigate`;function N(e,t={}){t.replace?window.history.replaceState(null,``,e):window.history.pushState(null,``,e),window.dispatchEvent(new Event(M))}function P(){return{pathname:window.location.pathname,search:new URLSearchParams(window.location.search),href:window.location.pathname+window.location.search}}function F(){let[e,t]=(0,a.useState)(P);return(0,a.useEffect)(()=>{let e=()=>t(P());return window.addEventListener(`popstate`,e),window.addEventListener(M,e),()=>{window.removeEventListener(`popstate`,e),window.removeEventListener(M,e)}},[]),e}function I({to:e,onClick:t,...n}){return(0,h.jsx)(`a`,{href:e,onClick:n=>{t?.(n),n.defaultPrevented||n.button!==0||n.metaKey||n.ctrlKey||n.shiftKey||n.altKey||(n.preventDefault(),N(e))},...n})}function L(e,t,n){let r=`/datasets/${encodeURIComponent(e)}/${encodeURIComponent(t)}`;return n&&n!==`schema`?`${r}/${n}`:r}function se(e,t={}){let n=new URLSearchParams({node:e});return t.columnLevel&&n.set(`columns`,`1`),t.column&&n.set(`focus`,t.column),`/lineage?${n.toString()}`}function ce(e,t){return`dataset:${e}:${t}`}var le=[`schema`,`lineage`,`usage`,`jobs`,`history`];function R(e){let t=e.split(`/`).filter(Boolean);if(t.length===0||t.length===1&&t[0]===`search`)return{page:`search`};if(t[0]===`datasets`&&(t.length===3||t.length===4))try{let e=decodeURIComponent(t[1]),n=decodeURIComponent(t[2]),r=t[3]??`schema`;if(le.includes(r))return{page:`dataset`,namespace:e,name:n,tab:r}}catch{return{page:`notFound`}}if(t.length===1){let e=t[0];if(e===`lineage`||e===`review`||e===`changes`||e===`signin`)return{page:e}}return{page:`notFound`}}function ue({reason:e}){let t=j(),[n,r]=(0,a.useState)(``),[i,o]=(0,a.useState)(!1);return!t.needsSignIn&&t.authEnabled&&t.name?(0,h.jsxs)(`section`,{className:`signin`,"aria-labelledby":`signin-title`,children:[(0,h.jsx)(`h1`,{id:`signin-title`,children:`Signed in`}),(0,h.jsxs)(`p`,{children:[`You are `,(0,h.jsx)(`strong`,{"data-testid":`viewer-name`,children:t.name}),`, with the scopes`,` `,(0,h.jsx)(`span`,{"data-testid":`viewer-scopes`,children:t.scopes.join(`, `)||`none`}),`.`]}),(0,h.jsx)(`button`,{type:`button`,onClick:t.signOut,children:`Sign out`})]}):!t.authEnabled&&!t.needsSignIn?(0,h.jsxs)(`section`,{className:`signin`,"aria-labelledby":`signin-title`,children:[(0,h.jsx)(`h1`,{id:`signin-title`,children:`No sign-in needed`}),(0,h.jsx)(`p`,{children:`Authentication is off on this server: everyone may read and change everything.`})]}):(0,h.jsxs)(`section`,{className:`signin`,"aria-labelledby":`signin-title`,children:[(0,h.jsx)(`h1`,{id:`signin-title`,children:`Sign in to Weft`}),(0,h.jsxs)(`p`,{children:[e??`This server needs a token.`,` Paste an API token (an admin creates one with`,` `,(0,h.jsx)(`code`,{children:`weft token create NAME --scopes read,review`}),`). It is kept for this browser session only.`]}),(0,h.jsxs)(`form`,{onSubmit:async e=>{if(e.preventDefault(),!n.trim())return;o(!0);let r=await t.signIn(n);o(!1),r&&window.location.pathname===`/signin`&&N(`/`)},children:[(0,h.jsx)(`label`,{htmlFor:`token`,children:`API token`}),(0,h.jsx)(`input`,{id:`token`,name:`token`,type:`password`,autoComplete:`off`,spellCheck:!1,value:n,onChange:e=>r(e.target.value),autoFocus:!0}),(0,h.jsx)(`button`,{type:`submit`,disabled:i||!n.trim(),children:i?`Checking…`:`Sign in`})]}),t.error&&(0,h.jsx)(`p`,{role:`alert`,className:`error`,children:t.error})]})}var de=k(`
  query SearchResults($query: String!, $filter: SearchFilter, $first: Int!) {
    search(query: $query, filter: $filter, first: $first, prefix: true) {
      totalCount
      notice
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...SearchHitFields
        }
      }
    }
  }
`),fe=k(`
  query SearchFacetCounts($query: String!, $filter: SearchFilter) {
    search(query: $query, filter: $filter, first: 1, prefix: true) {
      facets {
        platform {
          value
          count
        }
        namespace {
          value
          count
        }
        tag {
          value
          count
        }
        owner {
          value
          count
        }
        tier {
          value
          count
        }
      }
    }
  }
`),pe=k(`
  query SearchMore($query: String!, $filter: SearchFilter, $first: Int!, $after: String!) {
    search(query: $query, filter: $filter, first: $first, after: $after, prefix: true) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...SearchHitFields
        }
      }
    }
  }
`);k(`
  fragment SearchHitFields on SearchHit {
    type
    name
    namespace
    nodeId
    marks
    updatedAt
    explain {
      factor
      value
    }
    matchedColumns
    highlights {
      field
      fragment
    }
    dataset {
      platform
      description
      tier
      lastModifiedAt
      piiTags
      deprecation {
        note
        by
      }
      owners {
        name
        type
      }
    }
    job {
      description
      owners {
        name
        type
      }
    }
  }
`);var z=k(`
  query Suggest($prefix: String!, $filter: SearchFilter) {
    suggest(prefix: $prefix, filter: $filter, first: 8) {
      kind
      namespace
      name
      nodeId
    }
  }
`),me=k(`
  query SearchStart {
    gold: search(query: "", filter: { tier: "gold", type: DATASET }, first: 8) {
      totalCount
      edges {
        node {
          ...SearchHitFields
        }
      }
    }
    namespaces(first: 50) {
      nodes {
        name
        description
      }
    }
  }
`),he=80,ge={DATASET:`Dataset`,JOB:`Job`,COLUMN:`Column`};function _e({value:e,onChange:t,onPick:n,filter:r,inputRef:i}){let o=(0,a.useId)(),s=`${o}-suggestions`,[c,l]=(0,a.useState)([]),[u,d]=(0,a.useState)(!1),[f,m]=(0,a.useState)(-1),g=(0,a.useRef)(!1),_=JSON.stringify(r);(0,a.useEffect)(()=>{if(!g.current){d(!1);return}let t=e.trim();if(!t){l([]),d(!1);return}let n=new AbortController,r=window.setTimeout(()=>{p(z,{prefix:t,filter:JSON.parse(_)},n.signal).then(e=>{l(e.suggest),m(-1),d(e.suggest.length>0)},e=>{n.signal.aborted||(console.warn(`suggest failed`,e),d(!1))})},he);return()=>{window.clearTimeout(r),n.abort()}},[e,_]);let v=()=>{d(!1),m(-1)},y=e=>{g.current=!1,v(),n(e)},b=e=>{let t=c.length;switch(e.key){case`ArrowDown`:if(t===0)return;e.preventDefault(),u?m(e=>(e+1)%t):(d(!0),m(0));break;case`ArrowUp`:if(!u||t===0)return;e.preventDefault(),m(e=>e<=0?t-1:e-1);break;case`Enter`:u&&f>=0&&f<t?(e.preventDefault(),y(c[f])):(g.current=!1,v());break;case`Escape`:u&&(e.preventDefault(),v());break;case`Tab`:v()}},x=u&&c.length>0;return(0,h.jsxs)(`div`,{className:`search-combo`,children:[(0,h.jsx)(`label`,{htmlFor:`${o}-input`,className:`search-label`,children:`Search datasets, jobs and columns`}),(0,h.jsxs)(`div`,{className:`search-row`,children:[(0,h.jsxs)(`div`,{className:`search-field`,children:[(0,h.jsx)(`input`,{ref:i,id:`${o}-input`,type:`search`,role:`combobox`,"aria-autocomplete":`list`,"aria-expanded":x,"aria-controls":s,"aria-activedescendant":x&&f>=0?`${o}-opt-${f}`:void 0,autoComplete:`off`,spellCheck:!1,placeholder:`e.g. customer orders, email`,value:e,"data-testid":`search-input`,onChange:e=>{g.current=!0,t(e.target.value)},onKeyDown:b,onBlur:v,onFocus:()=>{g.current&&c.length>0&&e.trim()&&d(!0)}}),(0,h.jsx)(`ul`,{id:s,role:`listbox`,"aria-label":`Suggestions`,className:`search-suggestions`,hidden:!x,"data-testid":`search-suggestions`,children:c.map((e,t)=>(0,h.jsxs)(`li`,{id:`${o}-opt-${t}`,role:`option`,"aria-selected":t===f,className:t===f?`active`:void 0,onMouseDown:e=>e.preventDefault(),onMouseMove:()=>m(t),onClick:()=>y(e),children:[(0,h.jsx)(`span`,{className:`suggestion-kind`,children:ge[e.kind]??e.kind}),(0,h.jsx)(`span`,{className:`suggestion-name mono`,children:e.name}),e.namespace&&(0,h.jsx)(`span`,{className:`suggestion-namespace`,children:e.namespace})]},e.nodeId))})]}),(0,h.jsx)(`button`,{type:`submit`,className:`primary`,children:`Search`})]}),(0,h.jsx)(`span`,{className:`search-sr-only`,role:`status`,"aria-live":`polite`,children:x?`${c.length} suggestions; use the up and down arrows to choose, Enter to open.`:``})]})}var B=[{key:`platform`,label:`Platform`},{key:`tier`,label:`Tier`},{key:`owner`,label:`Owner`},{key:`namespace`,label:`Namespace`},{key:`tag`,label:`Tag`}],V=6;function ve({facet:e,value:t}){let n=e===`owner`?/^(user|team|group):(.+)$/.exec(t):null;return(0,h.jsx)(`span`,{className:`facet-name`,children:n?(0,h.jsxs)(h.Fragment,{children:[n[2],` `,(0,h.jsx)(`span`,{className:`muted`,children:n[1]})]}):t})}function ye({facet:e,label:t,values:n,selected:r,onChoose:i}){let[o,s]=(0,a.useState)(!1),c=r&&!n.some(e=>e.value===r)?[{value:r,count:0},...n]:n;if(c.length===0)return null;let l=o?c:c.slice(0,V),u=`facet-${e}`;return(0,h.jsxs)(`section`,{className:`facet`,"aria-labelledby":u,"data-facet":e,children:[(0,h.jsx)(`h3`,{id:u,children:t}),(0,h.jsx)(`ul`,{children:l.map(t=>{let n=t.value===r;return(0,h.jsx)(`li`,{children:(0,h.jsxs)(`button`,{type:`button`,className:`facet-value`,"aria-pressed":n,title:t.value,onClick:()=>i(e,n?void 0:t.value),children:[(0,h.jsx)(ve,{facet:e,value:t.value}),(0,h.jsxs)(`span`,{className:`facet-count`,children:[t.count.toLocaleString(),(0,h.jsxs)(`span`,{className:`search-sr-only`,children:[` `,t.count===1?`match`:`matches`]})]})]})},t.value)})}),c.length>V&&(0,h.jsx)(`button`,{type:`button`,className:`link facet-more`,"aria-expanded":o,onClick:()=>s(e=>!e),children:o?`Show fewer`:`Show all ${c.length}`})]})}function be({facets:e,selected:t,onChoose:n,stale:r}){let i=B.map(r=>(0,h.jsx)(ye,{facet:r.key,label:r.label,values:e?.[r.key]??[],selected:t[r.key],onChoose:n},r.key));return(0,h.jsx)(`div`,{className:`facets${r?` stale`:``}`,children:i})}function xe({selected:e,onChoose:t,onClear:n}){let r=B.filter(t=>e[t.key]);return r.length===0?null:(0,h.jsxs)(`ul`,{className:`search-chips`,"aria-label":`Active filters`,"data-testid":`search-chips`,children:[r.map(n=>(0,h.jsx)(`li`,{children:(0,h.jsxs)(`button`,{type:`button`,className:`chip`,"aria-label":`Remove filter ${n.label}: ${e[n.key]}`,onClick:()=>t(n.key,void 0),children:[(0,h.jsxs)(`span`,{className:`muted`,children:[n.label,`:`]}),` `,e[n.key],` `,(0,h.jsx)(`span`,{"aria-hidden":`true`,children:`✕`})]})},n.key)),r.length>1&&(0,h.jsx)(`li`,{children:(0,h.jsx)(`button`,{type:`button`,className:`link`,onClick:n,children:`Clear all filters`})})]})}function Se({value:e,onChange:t}){return(0,h.jsxs)(`fieldset`,{className:`search-type`,children:[(0,h.jsx)(`legend`,{children:`Show`}),[[`all`,`All`],[`dataset`,`Datasets`],[`job`,`Jobs`]].map(([n,r])=>(0,h.jsxs)(`label`,{className:n===e?`on`:void 0,children:[(0,h.jsx)(`input`,{type:`radio`,name:`search-type`,value:n,checked:n===e,onChange:()=>t(n)}),r]},n))]})}var Ce=[{key:`usage`,label:`Usage`,about:`reads and distinct readers in the last 30 days (1 when no query log is crawled)`},{key:`centrality`,label:`Lineage centrality`,about:`how much of the lineage graph depends on it`},{key:`tier`,label:`Tier`,about:`gold and silver datasets are preferred`},{key:`documentation`,label:`Documentation`,about:`a description, an owner and documented columns`},{key:`freshness`,label:`Freshness`,about:`written recently lifts it; long unwritten lowers it`},{key:`penalty`,label:`Penalties`,about:`deleted, deprecated, temporary-looking name, or unused with nothing downstream`}],we={deprecated:`deprecated`,zombie:`unused with nothing downstream`,temporary:`temporary-looking name`,deleted:`dropped at the source`};function H(e){if(e===0)return`0`;let t=Math.abs(e);return t>=100?e.toFixed(0):t>=10?e.toFixed(1):e.toFixed(2)}function Te({id:e,factors:t,marks:n}){let r=e=>t.find(t=>t.factor===e)?.value,i=Ce.flatMap(e=>{let t=r(e.key);return t===void 0?[]:[{...e,value:t}]}),a=r(`text`),o=r(`score`),s=i.reduce((e,t)=>e*t.value,1),c=i.map(e=>e.value>0?Math.log(e.value):-1/0),l=Math.max(Math.log(2),...c.filter(Number.isFinite).map(Math.abs));return(0,h.jsxs)(`div`,{className:`search-explain`,id:e,"data-testid":`search-explain`,children:[(0,h.jsxs)(`p`,{className:`explain-formula`,children:[`Score `,(0,h.jsx)(`strong`,{children:o===void 0?`—`:H(o)}),` = text match`,` `,(0,h.jsx)(`strong`,{children:a===void 0?`—`:H(a)}),` × catalog signals `,(0,h.jsxs)(`strong`,{children:[`×`,H(s)]})]}),(0,h.jsx)(`p`,{className:`explain-text muted`,children:`Text match is BM25 relevance with field boosts: an exact name counts most, then words of the name, then column names, then the description.`}),(0,h.jsx)(`ul`,{className:`explain-bars`,children:i.map((e,t)=>{let r=c[t],i=Number.isFinite(r)?Math.min(1,Math.abs(r)/l)*50:50,a=Math.round(e.value*100),o=a>100?`up`:a<100?`down`:`flat`,s=e.key===`penalty`&&n.length>0?n.map(e=>we[e]??e).join(`, `):e.about;return(0,h.jsxs)(`li`,{"data-factor":e.key,className:`explain-row explain-${o}`,children:[(0,h.jsxs)(`span`,{className:`explain-label`,children:[e.label,(0,h.jsx)(`span`,{className:`explain-about`,children:s})]}),(0,h.jsx)(`span`,{className:`explain-track`,"aria-hidden":`true`,children:(0,h.jsx)(`span`,{className:`explain-bar`,style:o===`down`?{right:`50%`,width:`${i}%`}:{left:`50%`,width:`${i}%`}})}),(0,h.jsxs)(`span`,{className:`explain-value`,children:[`×`,H(e.value)]})]},e.key)})})]})}var Ee={amp:`&`,lt:`<`,gt:`>`,quot:`"`,apos:`'`,nbsp:`\xA0`};function De(e){return e.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi,(e,t)=>{if(t[0]===`#`){let n=t[1]===`x`||t[1]===`X`?parseInt(t.slice(2),16):parseInt(t.slice(1),10);return Number.isFinite(n)&&n>0&&n<=1114111?String.fromCodePoint(n):e}return Ee[t.toLowerCase()]??e})}function U(e){let t=[],n=!1;for(let r of e.split(/(<\/?b>)/i)){let e=r.toLowerCase();e===`<b>`?n=!0:e===`</b>`?n=!1:r&&t.push({text:De(r),match:n})}return t}function Oe(e){return U(e).map(e=>e.text).join(``)}function W({fragment:e}){return(0,h.jsx)(h.Fragment,{children:U(e).map((e,t)=>e.match?(0,h.jsx)(`mark`,{children:e.text},t):e.text)})}var ke={DATASET:`Dataset`,JOB:`Job`,COLUMN:`Column`},Ae={deprecated:{label:`Deprecated`,title:`Marked deprecated: search ranks it lower`,cls:`badge-deprecated`},zombie:{label:`Unused`,title:`No reads in 90 days and nothing downstream: possibly abandoned`,cls:`badge-warn`},temporary:{label:`Temporary?`,title:`The name looks like a copy or a temporary table (_bak, tmp_…)`,cls:`badge-warn`}};function je({marks:e,deprecationNote:t}){return(0,h.jsx)(h.Fragment,{children:e.map(e=>{let n=Ae[e]??{label:e,title:e,cls:`badge-warn`},r=e===`deprecated`&&t?`${n.title}. ${t}`:n.title;return(0,h.jsx)(`span`,{className:`badge ${n.cls}`,title:r,children:n.label},e)})})}function Me({columns:e,fragment:t}){if(e.length===0)return null;let n=new Map((t?t.split(`, `):[]).map(e=>[Oe(e),e])),r=e.slice(0,8);return(0,h.jsxs)(`p`,{className:`hit-columns`,children:[(0,h.jsxs)(`span`,{className:`muted`,children:[e.length===1?`Column`:`Columns`,`:`]}),` `,r.map((e,t)=>{let r=n.get(e);return(0,h.jsxs)(`span`,{children:[t>0&&`, `,(0,h.jsx)(`code`,{children:r?(0,h.jsx)(W,{fragment:r}):e})]},e)}),e.length>r.length&&(0,h.jsxs)(`span`,{className:`muted`,children:[` and `,e.length-r.length,` more`]})]})}function Ne({hit:e,compact:t=!1}){let[n,r]=(0,a.useState)(!1),i=e.name??``,o=e.namespace??``,s=t=>e.highlights.find(e=>e.field===t)?.fragment,c=s(`name`),l=s(`description`),u=e.dataset,d=u?.description??e.job?.description,f=u?.owners??e.job?.owners??[],p=u?.deprecation&&!e.marks.includes(`deprecated`)?[`deprecated`,...e.marks]:e.marks,m=`explain-${e.nodeId??`${e.type}:${o}:${i}`}`,g=c?(0,h.jsx)(W,{fragment:c}):i;return(0,h.jsxs)(`li`,{className:`hit hit-${e.type.toLowerCase()}${p.length>0?` hit-marked`:``}`,children:[(0,h.jsxs)(`div`,{className:`hit-head`,children:[(0,h.jsx)(`span`,{className:`hit-kind`,children:ke[e.type]??e.type}),(0,h.jsx)(`h3`,{className:`hit-name`,children:e.type===`JOB`?(0,h.jsx)(`span`,{className:`mono`,children:g}):(0,h.jsx)(I,{to:L(o,i),className:`mono`,children:g})}),(0,h.jsx)(b,{tier:u?.tier}),(0,h.jsx)(y,{tags:u?.piiTags??[]}),(0,h.jsx)(je,{marks:p,deprecationNote:u?.deprecation?.note})]}),(0,h.jsxs)(`p`,{className:`hit-meta`,children:[u?.platform&&(0,h.jsx)(`span`,{className:`hit-platform`,children:u.platform}),(0,h.jsx)(`span`,{className:`hit-namespace mono`,title:o,children:o}),(0,h.jsx)(x,{owners:f}),u?(0,h.jsx)(`span`,{children:u.lastModifiedAt?(0,h.jsxs)(h.Fragment,{children:[`written `,(0,h.jsx)(w,{at:u.lastModifiedAt})]}):(0,h.jsx)(`span`,{className:`muted`,children:`no run has written it`})}):e.updatedAt&&(0,h.jsxs)(`span`,{children:[`updated `,(0,h.jsx)(w,{at:e.updatedAt})]})]}),u?.deprecation?.note&&(0,h.jsxs)(`p`,{className:`hit-deprecation`,children:[(0,h.jsx)(`strong`,{children:`Deprecated:`}),` `,u.deprecation.note]}),(l||d)&&(0,h.jsx)(`p`,{className:`hit-description`,title:d??void 0,children:l?(0,h.jsx)(W,{fragment:l}):d}),!t&&(0,h.jsx)(Me,{columns:e.matchedColumns,fragment:s(`columns`)}),!t&&e.explain.length>0&&(0,h.jsxs)(h.Fragment,{children:[(0,h.jsx)(`button`,{type:`button`,className:`link hit-why`,"aria-expanded":n,"aria-controls":n?m:void 0,onClick:()=>r(e=>!e),children:`Why this rank`}),n&&(0,h.jsx)(Te,{id:m,factors:e.explain,marks:p})]})]})}var G=(0,a.memo)(Ne);function K(e,t,n={}){let r=JSON.stringify(t),[i,o]=(0,a.useState)({loading:!n.skip}),[s,c]=(0,a.useState)(0),l=(0,a.useRef)(t);l.current=t,(0,a.useEffect)(()=>{if(n.skip)return;let t=new AbortController;return o(e=>({...e,loading:!0})),p(e,l.current,t.signal).then(e=>o({data:e,loading:!1}),e=>{t.signal.aborted||o(t=>({data:t.data,error:e,loading:!1}))}),()=>t.abort()},[e,r,s,n.skip]);let u=(0,a.useCallback)(()=>c(e=>e+1),[]);return{data:i.data,error:i.error,loading:i.loading,refetch:u}}function Pe(e,t){let n=new URLSearchParams({q:e});return t&&n.set(`type`,t),`/?${n.toString()}`}function Fe({query:e,filter:t,filtered:n,onClear:r}){let{data:i}=K(z,{prefix:e,filter:t},{skip:!e}),a=i?.suggest??[];return(0,h.jsxs)(`div`,{className:`search-empty`,"data-testid":`search-empty`,children:[(0,h.jsx)(`p`,{children:(0,h.jsxs)(`strong`,{children:[`Nothing matches`,e?(0,h.jsxs)(h.Fragment,{children:[` `,(0,h.jsx)(`q`,{children:e})]}):null,n?` with these filters`:``,`.`]})}),a.length>0&&(0,h.jsxs)(h.Fragment,{children:[(0,h.jsxs)(`p`,{children:[`Names starting with `,(0,h.jsx)(`q`,{children:e}),`:`]}),(0,h.jsx)(`ul`,{className:`empty-names`,children:a.map(e=>(0,h.jsxs)(`li`,{children:[(0,h.jsx)(`span`,{className:`suggestion-kind`,children:e.kind===`JOB`?`Job`:`Dataset`}),` `,(0,h.jsx)(I,{className:`mono`,to:e.kind===`DATASET`&&e.namespace?L(e.namespace,e.name):Pe(e.name,`job`),children:e.name}),` `,e.namespace&&(0,h.jsx)(`span`,{className:`muted`,children:e.namespace})]},e.nodeId))})]}),(0,h.jsxs)(`ul`,{children:[n&&(0,h.jsx)(`li`,{children:(0,h.jsx)(`button`,{type:`button`,className:`link`,onClick:r,children:`Search without filters`})}),(0,h.jsx)(`li`,{children:`Search matches words: finish the word, or use fewer words — each should match a name, a column or the description.`}),(0,h.jsx)(`li`,{children:`One typo per word is forgiven already; check for two.`}),(0,h.jsxs)(`li`,{children:[`Column names are searched too — try the field you need, such as `,(0,h.jsx)(`q`,{children:`email`}),` or `,(0,h.jsx)(`q`,{children:`revenue`}),`.`]}),(0,h.jsx)(`li`,{children:`A dataset appears once a producer has reported it: check its pipeline emits OpenLineage events.`})]})]})}function Ie(){let{data:e,error:t,loading:n,refetch:r}=K(me,{}),i=e?.namespaces.nodes??[],a=e?.gold;return(0,h.jsxs)(`div`,{className:`search-start`,children:[(0,h.jsxs)(`p`,{className:`search-intro`,children:[`Matches are ranked by text relevance `,(0,h.jsx)(`em`,{children:`times`}),` what the catalog knows: how much a dataset is read, how much depends on it in the lineage graph, its tier, its documentation and how recently it was written — so the table everyone relies on comes before its stale copy. Typos are forgiven; column names and descriptions are searched too.`]}),t!==void 0&&(0,h.jsx)(g,{error:t,onRetry:r}),n&&!e&&(0,h.jsx)(_,{what:`the catalog`}),e&&i.length===0&&(0,h.jsx)(`div`,{className:`search-empty`,children:(0,h.jsxs)(`p`,{children:[(0,h.jsx)(`strong`,{children:`The catalog is empty.`}),` Point an OpenLineage producer (Airflow, dbt, Spark…) at this server — for the Python client, `,(0,h.jsxs)(`code`,{children:[`OPENLINEAGE_URL=`,window.location.origin]}),` — or post an event to`,` `,(0,h.jsx)(`code`,{children:`/api/v1/lineage`}),`; datasets appear here within a second.`]})}),a&&a.edges.length>0&&(0,h.jsxs)(`section`,{"aria-labelledby":`start-gold`,children:[(0,h.jsx)(`h2`,{id:`start-gold`,children:`Gold datasets, most relied on first`}),(0,h.jsx)(`ol`,{className:`hits hits-compact`,children:a.edges.map((e,t)=>(0,h.jsx)(G,{hit:e.node,compact:!0},e.node.nodeId??t))}),a.totalCount>a.edges.length&&(0,h.jsx)(`p`,{children:(0,h.jsxs)(I,{to:`/?type=dataset&tier=gold`,children:[`All `,a.totalCount.toLocaleString(),` gold datasets`]})})]}),i.length>0&&(0,h.jsxs)(`section`,{"aria-labelledby":`start-namespaces`,children:[(0,h.jsx)(`h2`,{id:`start-namespaces`,children:`Browse by namespace`}),(0,h.jsx)(`ul`,{className:`start-namespaces`,children:i.map(e=>(0,h.jsx)(`li`,{children:(0,h.jsx)(I,{to:`/?namespace=${encodeURIComponent(e.name)}`,className:`mono`,title:e.description??void 0,children:e.name})},e.name))})]})]})}var q=20;function Le(e,t,n){let r=JSON.stringify([e,t]),[i,o]=(0,a.useState)(),[s,c]=(0,a.useState)(),[l,u]=(0,a.useState)(),[d,f]=(0,a.useState)(!1),[m,h]=(0,a.useState)(!1),[g,_]=(0,a.useState)(),[v,y]=(0,a.useState)(0),b=(0,a.useRef)(null);(0,a.useEffect)(()=>{if(b.current?.abort(),h(!1),_(void 0),n){o(void 0),u(void 0),f(!1);return}let[e,t]=JSON.parse(r),i=new AbortController;return f(!0),p(de,{query:e,filter:t,first:q},i.signal).then(t=>{let n=t.search;o({key:r,query:e,hits:n.edges.map(e=>e.node),totalCount:n.totalCount,notice:n.notice,endCursor:n.pageInfo.endCursor,hasNextPage:n.pageInfo.hasNextPage}),u(void 0),f(!1)},e=>{i.signal.aborted||(u(e),f(!1))}),p(fe,{query:e,filter:t},i.signal).then(e=>c({key:r,facets:e.search.facets??void 0}),e=>{i.signal.aborted||console.warn(`facet counts failed`,e)}),()=>i.abort()},[r,n,v]);let x=(0,a.useCallback)(()=>{let e=i;if(!e?.hasNextPage||!e.endCursor||m)return;let[t,n]=JSON.parse(e.key),r=new AbortController;b.current=r,h(!0),_(void 0),p(pe,{query:t,filter:n,first:q,after:e.endCursor},r.signal).then(t=>{let n=t.search;o(t=>t&&t.key===e.key?{...t,hits:[...t.hits,...n.edges.map(e=>e.node)],endCursor:n.pageInfo.endCursor,hasNextPage:n.pageInfo.hasNextPage}:t),h(!1)},e=>{r.signal.aborted||(_(e),h(!1))})},[i,m]);(0,a.useEffect)(()=>()=>b.current?.abort(),[]);let S=(0,a.useCallback)(()=>y(e=>e+1),[]);return{answer:n?void 0:i,facets:n?void 0:s?.facets,facetsKey:s?.key,error:l,loading:d,loadingMore:m,moreError:g,loadMore:x,retry:S}}var J=100;function Re(e){let t=e.get(`type`),n={};for(let t of B){let r=e.get(t.key);r&&(n[t.key]=r)}return{q:e.get(`q`)??``,kind:t===`dataset`||t===`job`?t:`all`,facets:n}}function Y(e,t){let n=new URLSearchParams;t.q&&n.set(`q`,t.q),t.kind!==`all`&&n.set(`type`,t.kind);for(let e of B){let r=t.facets[e.key];r&&n.set(e.key,r)}let r=n.toString();return r?`${e}?${r}`:e}function ze(e){let[t,n]=(0,a.useState)(e),r=(0,a.useRef)(void 0),i=(0,a.useRef)(0);return(0,a.useEffect)(()=>()=>window.clearTimeout(r.current),[]),[t,(0,a.useCallback)((e,t=!1)=>{let a=performance.now(),o=a-i.current>=J;i.current=a,window.clearTimeout(r.current),t||o?n(e):r.current=window.setTimeout(()=>n(e),J)},[])]}function X(){let e=F(),t=(0,a.useMemo)(()=>Re(e.search),[e.search]),[n,r]=(0,a.useState)(t.q),[i,o]=ze(t.q),s=(0,a.useRef)(t.q),c=(0,a.useRef)(!0),[l,u]=(0,a.useState)(!1),d=(0,a.useRef)(null);(0,a.useEffect)(()=>{t.q!==s.current&&(s.current=t.q,c.current=!0,r(t.q),o(t.q,!0))},[t.q]);let f=(0,a.useMemo)(()=>({...t.facets,...t.kind===`dataset`?{type:`DATASET`}:t.kind===`job`?{type:`JOB`}:{}}),[t.facets,t.kind]),p=B.some(e=>t.facets[e.key]),m=i.trim()===``&&!p,v=Le(i,f,m),y=v.answer,b=v.loading||i!==n;(0,a.useEffect)(()=>{document.title=t.q?`${t.q} · Search · Weft`:`Search · Weft`},[t.q]),(0,a.useEffect)(()=>{t.q||d.current?.focus()},[]);let x=n=>{r(n),o(n),s.current=n,N(Y(e.pathname,{...t,q:n}),{replace:!c.current}),c.current=!1},S=r=>{r.preventDefault(),o(n,!0),s.current=n;let i=Y(e.pathname,{...t,q:n});i!==e.href&&N(i,{replace:!c.current}),c.current=!0},C=n=>{c.current=!0,n.kind===`DATASET`&&n.namespace?N(L(n.namespace,n.name)):(s.current=n.name,r(n.name),o(n.name,!0),N(Y(e.pathname,{...t,q:n.name,kind:`job`})))},w=(0,a.useCallback)(r=>{c.current=!0,s.current=n,N(Y(e.pathname,{...t,q:n,...r}))},[e.pathname,t,n]),T=(0,a.useCallback)((e,n)=>w({facets:{...t.facets,[e]:n}}),[w,t.facets]),E=B.filter(e=>t.facets[e.key]).length,D=v.facets,O=p||(D?B.some(e=>D[e.key].length>0):v.error===void 0);return(0,h.jsxs)(`div`,{className:`search-page`,children:[(0,h.jsx)(`h1`,{className:`search-sr-only`,children:`Search`}),(0,h.jsx)(`form`,{role:`search`,className:`search-form`,onSubmit:S,children:(0,h.jsx)(_e,{value:n,onChange:x,onPick:C,filter:f,inputRef:d})}),m&&n.trim()===``?(0,h.jsx)(Ie,{}):(0,h.jsxs)(`div`,{className:`search-layout${O?``:` no-facets`}`,children:[O&&(0,h.jsxs)(`aside`,{className:`search-filters${l?` open`:``}`,"aria-label":`Filters`,children:[(0,h.jsxs)(`button`,{type:`button`,className:`filters-toggle`,"aria-expanded":l,onClick:()=>u(e=>!e),children:[`Filters`,E>0?` (${E})`:``]}),(0,h.jsx)(`h2`,{className:`filters-heading`,children:`Filter results`}),(0,h.jsx)(be,{facets:v.facets,selected:t.facets,onChoose:T,stale:v.facetsKey!==y?.key||b})]}),(0,h.jsxs)(`section`,{className:`search-results`,"aria-labelledby":`results-heading`,"aria-busy":b,children:[(0,h.jsxs)(`div`,{className:`results-bar`,children:[(0,h.jsx)(`h2`,{id:`results-heading`,className:`results-summary`,"aria-live":`polite`,"data-testid":`search-summary`,children:y?(0,h.jsxs)(h.Fragment,{children:[y.totalCount.toLocaleString(),` `,y.totalCount===1?`result`:`results`,y.query.trim()&&(0,h.jsxs)(h.Fragment,{children:[` `,`for `,(0,h.jsx)(`q`,{children:y.query.trim()})]})]}):`Results`}),(0,h.jsx)(Se,{value:t.kind,onChange:e=>w({kind:e})})]}),(0,h.jsx)(xe,{selected:t.facets,onChoose:T,onClear:()=>w({facets:{}})}),y?.notice&&(0,h.jsx)(`p`,{className:`notice`,role:`note`,children:y.notice}),v.error!==void 0&&(0,h.jsx)(g,{error:v.error,onRetry:v.retry}),!y&&v.error===void 0&&(0,h.jsx)(_,{what:`results`}),y&&(0,h.jsx)(`ol`,{className:`hits${b?` stale`:``}`,"data-testid":`search-results`,"data-query":y.query,children:y.hits.map((e,t)=>(0,h.jsx)(G,{hit:e},e.nodeId??`${e.type}:${t}`))}),y&&y.hits.length===0&&(0,h.jsx)(Fe,{query:y.query.trim(),filter:f,filtered:p||t.kind!==`all`,onClear:()=>w({facets:{},kind:`all`})}),y&&y.hasNextPage&&(0,h.jsxs)(`div`,{className:`search-more`,children:[(0,h.jsx)(`button`,{type:`button`,onClick:v.loadMore,disabled:v.loadingMore,"data-testid":`search-more`,children:v.loadingMore?`Loading…`:`Show more`}),(0,h.jsxs)(`span`,{className:`muted`,children:[`Showing `,y.hits.length.toLocaleString(),` of `,y.totalCount.toLocaleString()]})]}),v.moreError!==void 0&&(0,h.jsx)(g,{error:v.moreError,onRetry:v.loadMore})]})]})]})}var Z=()=>r(()=>import(`./DatasetPage-C5bq4Vy0.js`),__vite__mapDeps([0,1,2,3,4,5])),Q=()=>r(()=>import(`./LineagePage-BJFj93mY.js`),__vite__mapDeps([6,1,7]));window.location.pathname.startsWith(`/datasets/`)&&Z(),window.location.pathname===`/lineage`&&Q();var Be=(0,a.lazy)(Z),Ve=(0,a.lazy)(Q),He=(0,a.lazy)(()=>r(()=>import(`./ReviewPage-C3FKkL-Y.js`),__vite__mapDeps([8,1,2,9,10]))),Ue=(0,a.lazy)(()=>r(()=>import(`./ChangesPage-C5TlrqcB.js`),__vite__mapDeps([11,1,9,3,4,12])));function We({pathname:e}){return(0,h.jsx)(`nav`,{"aria-label":`Main`,children:(0,h.jsxs)(`ul`,{children:[[[`/`,`Search`],[`/review`,`PII review`],[`/changes`,`Changes`]].map(([t,n])=>{let r=t===`/`?e===`/`||e===`/search`:e.startsWith(t);return(0,h.jsx)(`li`,{children:(0,h.jsx)(I,{to:t,"aria-current":r?`page`:void 0,children:n})},t)}),(0,h.jsx)(`li`,{children:(0,h.jsx)(`a`,{href:`/graphql`,target:`_blank`,rel:`noopener`,children:`GraphiQL`})})]})})}function Ge(){let e=j();return e.authEnabled?e.needsSignIn||!e.name?(0,h.jsx)(I,{to:`/signin`,className:`whoami`,children:`Sign in`}):(0,h.jsxs)(`span`,{className:`whoami`,children:[(0,h.jsx)(I,{to:`/signin`,title:`Scopes: ${e.scopes.join(`, `)}`,"data-testid":`whoami`,children:e.name}),` `,(0,h.jsxs)(`span`,{className:`muted`,children:[`(`,e.scopes.join(`, `),`)`]}),` `,(0,h.jsx)(`button`,{type:`button`,className:`link`,onClick:e.signOut,children:`Sign out`})]}):null}function Ke(){let e=F(),t=j(),n=R(e.pathname),r;if(t.loading)r=(0,h.jsx)(_,{});else if(t.needsSignIn||n.page===`signin`)r=(0,h.jsx)(ue,{});else switch(n.page){case`search`:r=(0,h.jsx)(X,{});break;case`dataset`:r=(0,h.jsx)(Be,{namespace:n.namespace,name:n.name,tab:n.tab},`${n.namespace}\u0000${n.name}`);break;case`lineage`:r=(0,h.jsx)(Ve,{});break;case`review`:r=(0,h.jsx)(He,{});break;case`changes`:r=(0,h.jsx)(Ue,{});break;default:r=(0,h.jsxs)(`section`,{children:[(0,h.jsx)(`h1`,{children:`Page not found`}),(0,h.jsxs)(`p`,{children:[`Nothing lives at `,(0,h.jsx)(`code`,{children:e.pathname}),`. `,(0,h.jsx)(I,{to:`/`,children:`Search the catalog`}),`.`]})]})}return(0,h.jsxs)(h.Fragment,{children:[(0,h.jsx)(`a`,{className:`skip`,href:`#main`,children:`Skip to content`}),(0,h.jsxs)(`header`,{className:`top`,children:[(0,h.jsxs)(I,{to:`/`,className:`brand`,"aria-label":`Weft home`,children:[(0,h.jsx)(`img`,{src:`/favicon.svg`,alt:``,width:`22`,height:`22`}),` Weft`]}),(0,h.jsx)(We,{pathname:e.pathname}),(0,h.jsx)(Ge,{})]}),(0,h.jsx)(`main`,{id:`main`,tabIndex:-1,children:(0,h.jsx)(T,{resetKey:e.href,children:(0,h.jsx)(a.Suspense,{fallback:(0,h.jsx)(_,{}),children:r})})})]})}var $=document.getElementById(`root`);$&&(0,o.createRoot)($).render((0,h.jsx)(a.StrictMode,{children:(0,h.jsx)(oe,{children:(0,h.jsx)(Ke,{})})}));export{c as S,v as _,se as a,m as b,F as c,E as d,g as f,w as g,y as h,L as i,j as l,x as m,I as n,R as o,_ as p,ce as r,N as s,K as t,k as u,b as v,p as x,u as y};