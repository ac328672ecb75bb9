import{a as e,n as t,u as n}from"./preload-helper-C_Qr3eCM.js";import{_ as r,a as i,b as a,c as o,f as s,g as c,h as l,i as u,l as d,m as f,n as p,o as m,p as h,r as g,t as _,u as v,v as y,x as b}from"./index-1-KXU5Y-.js";import{t as x}from"./dotted-name-DK97gntZ.js";import{t as S}from"./live-DL2SN3Hm.js";var C=n(e(),1),w=(0,C.createContext)(null);function T(){let e=(0,C.useContext)(w);if(!e)throw Error(`useDataset outside a dataset page`);return e}function E(e){let{refreshKey:t}=T(),n=(0,C.useRef)(t);(0,C.useEffect)(()=>{t!==n.current&&(n.current=t,e())},[t,e])}var D=t(),ee=v(`
  mutation DatasetSetDescription($namespace: String!, $dataset: String!, $column: String, $description: String) {
    setDescription(namespace: $namespace, dataset: $dataset, column: $column, description: $description) {
      id
    }
  }
`),te=v(`
  mutation DatasetSetOwners($namespace: String!, $dataset: String!, $owners: [OwnerInput!]!) {
    setOwners(namespace: $namespace, dataset: $dataset, owners: $owners) {
      id
    }
  }
`),ne=v(`
  mutation DatasetSetTier($namespace: String!, $dataset: String!, $tier: String) {
    setTier(namespace: $namespace, dataset: $dataset, tier: $tier) {
      id
    }
  }
`),re=v(`
  mutation DatasetSetClassification($namespace: String!, $dataset: String!, $classification: String) {
    setClassification(namespace: $namespace, dataset: $dataset, classification: $classification) {
      id
    }
  }
`),ie=v(`
  mutation DatasetSetRetention($namespace: String!, $dataset: String!, $retention: String) {
    setRetention(namespace: $namespace, dataset: $dataset, retention: $retention) {
      id
    }
  }
`),O=v(`
  mutation DatasetAddTag($namespace: String!, $dataset: String!, $column: String, $tag: String!, $reason: String) {
    addTag(namespace: $namespace, dataset: $dataset, column: $column, tag: $tag, reason: $reason) {
      id
    }
  }
`),k=v(`
  mutation DatasetRemoveTag($namespace: String!, $dataset: String!, $column: String, $tag: String!) {
    removeTag(namespace: $namespace, dataset: $dataset, column: $column, tag: $tag) {
      id
    }
  }
`),ae=v(`
  mutation DatasetDeprecate($namespace: String!, $dataset: String!, $deprecated: Boolean!, $note: String) {
    deprecateDataset(namespace: $namespace, dataset: $dataset, deprecated: $deprecated, note: $note) {
      id
    }
  }
`);function A(e){let{refresh:t}=T(),[n,r]=(0,C.useState)(!1),[i,a]=(0,C.useState)(null);return{run:async n=>{r(!0),a(null);try{return await b(e,n),t(),!0}catch(e){return a(e),!1}finally{r(!1)}},saving:n,error:i}}function j(e){let[t,n]=(0,C.useState)(null);return[t&&Object.is(t.base,e)?t.next:e,t=>n(t===null?null:{next:t,base:e})]}function M({error:e,what:t}){return e?(0,D.jsxs)(`p`,{role:`alert`,className:`error ds-edit-error`,children:[`Could not `,t,`: `,a(e)]}):null}function N({column:e,value:t,onDone:n}){let{namespace:r,name:i}=T(),[a,o]=(0,C.useState)(t??``),s=A(ee),c=async t=>{t?.preventDefault();let o=a.trim();await s.run({namespace:r,dataset:i,column:e??null,description:o||null})&&n(o||null)},l=e=>{e.key===`Escape`?(e.preventDefault(),n(void 0)):e.key===`Enter`&&(e.ctrlKey||e.metaKey)&&c()},u=e?`Description of column ${e}`:`Description of the dataset`;return(0,D.jsxs)(`form`,{className:`ds-desc-form`,onSubmit:c,"aria-busy":s.saving,children:[(0,D.jsx)(`textarea`,{"aria-label":u,value:a,onChange:e=>o(e.target.value),onKeyDown:l,rows:e?2:4,disabled:s.saving,autoFocus:!0}),(0,D.jsxs)(`div`,{className:`ds-form-actions`,children:[(0,D.jsx)(`button`,{type:`submit`,className:`primary`,disabled:s.saving,children:s.saving?`Saving…`:`Save`}),(0,D.jsx)(`button`,{type:`button`,onClick:()=>n(void 0),disabled:s.saving,children:`Cancel`}),(0,D.jsx)(`span`,{className:`muted ds-hint`,children:`Ctrl+Enter saves, Escape cancels. Empty returns to the producer’s text.`})]}),(0,D.jsx)(M,{error:s.error,what:`save the description`})]})}function oe({value:e,canWrite:t}){let[n,r]=(0,C.useState)(!1),[i,a]=j(e),o=(0,C.useRef)(null);return n?(0,D.jsx)(N,{value:i,onDone:e=>{e&&a(e),r(!1),requestAnimationFrame(()=>o.current?.focus())}}):(0,D.jsxs)(`div`,{className:`ds-desc`,children:[i?(0,D.jsx)(`p`,{"data-testid":`dataset-description`,children:i}):(0,D.jsx)(`p`,{className:`muted`,"data-testid":`dataset-description`,children:`No description yet.`}),t&&(0,D.jsx)(`button`,{ref:o,type:`button`,className:`ds-edit-button`,onClick:()=>r(!0),"data-testid":`edit-description`,children:`Edit description`})]})}function se(e){let t=/^(user|team|group):(.*)$/.exec(e);return t?{kind:t[1],who:t[2]}:{kind:`user`,who:e}}function ce({owners:e,canWrite:t}){let{namespace:n,name:r}=T(),[i,a]=j(e),[o,s]=(0,C.useState)(!1),[c,l]=(0,C.useState)(``),u=A(te),d=(0,C.useRef)(null),f=async e=>{a(e);let t=await u.run({namespace:n,dataset:r,owners:e.map(e=>({name:e.name,type:e.type??null}))});return t||a(null),t};return(0,D.jsxs)(`div`,{className:`ds-owners`,"aria-busy":u.saving,children:[i.length===0?(0,D.jsx)(`span`,{className:`muted`,children:`No owner`}):(0,D.jsx)(`ul`,{className:`ds-chips`,"aria-label":`Owners`,"data-testid":`owners`,children:i.map(e=>{let{kind:n,who:r}=se(e.name);return(0,D.jsxs)(`li`,{className:`ds-chip ${u.saving?`ds-saving`:``}`,children:[(0,D.jsxs)(p,{to:`/?owner=${encodeURIComponent(e.name)}`,title:`${e.name}${e.type?` (${e.type})`:``}: search what they own`,children:[n!==`user`&&(0,D.jsx)(`span`,{className:`ds-chip-kind`,children:n}),r]}),t&&(0,D.jsx)(`button`,{type:`button`,className:`ds-chip-remove`,"aria-label":`Remove owner ${e.name}`,title:i.length===1?`Removing the last owner returns to the producer’s owners`:`Remove ${e.name}`,disabled:u.saving,onClick:()=>void f(i.filter(t=>t.name!==e.name)),children:`×`})]},e.name)})}),t&&(o?(0,D.jsxs)(`form`,{className:`ds-inline-form`,onSubmit:async e=>{e.preventDefault();let t=c.trim();if(!t)return;let n=/^(user|team|group):./.test(t)?t:`user:${t}`;i.some(e=>e.name===n)?l(``):await f([...i,{name:n,type:null}])&&(l(``),s(!1),requestAnimationFrame(()=>d.current?.focus()))},children:[(0,D.jsx)(`input`,{"aria-label":`New owner (user:name or team:name)`,placeholder:`user:alice or team:data-eng`,value:c,onChange:e=>l(e.target.value),onKeyDown:e=>{e.key===`Escape`&&(s(!1),requestAnimationFrame(()=>d.current?.focus()))},disabled:u.saving,autoFocus:!0}),(0,D.jsx)(`button`,{type:`submit`,disabled:u.saving||!c.trim(),children:u.saving?`Saving…`:`Add`}),(0,D.jsx)(`button`,{type:`button`,onClick:()=>s(!1),disabled:u.saving,children:`Cancel`})]}):(0,D.jsx)(`button`,{ref:d,type:`button`,className:`ds-edit-button`,onClick:()=>s(!0),disabled:u.saving,children:`Add owner`})),u.saving&&(0,D.jsx)(`span`,{className:`muted`,role:`status`,children:`Saving…`}),(0,D.jsx)(M,{error:u.error,what:`change the owners`})]})}var le=[`gold`,`silver`,`bronze`];function P({label:e,testId:t,value:n,options:r,what:i,save:a}){let[o,s]=j(n??``),[c,l]=(0,C.useState)(null),[u,d]=(0,C.useState)(!1),f=c??o,p=o&&!r.includes(o)?[...r,o]:r;return(0,D.jsxs)(`form`,{className:`ds-inline-form`,onSubmit:async e=>{e.preventDefault(),s(f),d(!0);let t=await a(f||null);d(!1),t?l(null):s(null)},"aria-busy":u,children:[(0,D.jsxs)(`select`,{"aria-label":e,value:f,onChange:e=>l(e.target.value),disabled:u,"data-testid":t,children:[(0,D.jsx)(`option`,{value:``,children:`none`}),p.map(e=>(0,D.jsx)(`option`,{value:e,children:e},e))]}),f!==o&&(0,D.jsx)(`button`,{type:`submit`,disabled:u,children:u?`Saving…`:`Set ${i}`})]})}function ue({tier:e}){let{namespace:t,name:n}=T(),r=A(ne);return(0,D.jsxs)(D.Fragment,{children:[(0,D.jsx)(P,{label:`Tier`,testId:`tier-select`,value:e,options:le,what:`tier`,save:e=>r.run({namespace:t,dataset:n,tier:e})}),(0,D.jsx)(M,{error:r.error,what:`set the tier`})]})}function de({classification:e,allowed:t}){let{namespace:n,name:r}=T(),i=A(re);return(0,D.jsxs)(D.Fragment,{children:[(0,D.jsx)(P,{label:`Classification`,testId:`classification-select`,value:e,options:t,what:`classification`,save:e=>i.run({namespace:n,dataset:r,classification:e})}),(0,D.jsx)(M,{error:i.error,what:`set the classification`})]})}function fe({retention:e}){let{namespace:t,name:n}=T(),[r,i]=j(e??``),[a,o]=(0,C.useState)(null),s=A(ie),c=a??r;return(0,D.jsxs)(`form`,{className:`ds-inline-form`,onSubmit:async e=>{e.preventDefault(),i(c.trim()),await s.run({namespace:t,dataset:n,retention:c.trim()||null})?o(null):i(null)},"aria-busy":s.saving,children:[(0,D.jsx)(`input`,{"aria-label":`Retention`,placeholder:`P30D, P1Y or none`,size:10,value:c,onChange:e=>o(e.target.value),disabled:s.saving,"data-testid":`retention-input`}),c!==r&&(0,D.jsx)(`button`,{type:`submit`,disabled:s.saving,children:s.saving?`Saving…`:`Set retention`}),(0,D.jsx)(M,{error:s.error,what:`set the retention`})]})}function pe({tags:e,canWrite:t}){let{namespace:n,name:r}=T(),[i,a]=j(e),[o,s]=(0,C.useState)(``),[c,l]=(0,C.useState)(!1),u=A(O),d=A(k),f=u.saving||d.saving,p=(0,C.useRef)(null),m=async e=>{e.preventDefault();let t=o.trim();t&&(a([...i,{key:t,origin:`manual`}]),await u.run({namespace:n,dataset:r,column:null,tag:t,reason:null})?(s(``),l(!1),requestAnimationFrame(()=>p.current?.focus())):a(null))},h=async e=>{a(i.filter(t=>t.key!==e)),await d.run({namespace:n,dataset:r,column:null,tag:e})||a(null)};return(0,D.jsxs)(`div`,{className:`ds-tags`,"aria-busy":f,children:[i.length===0&&!t&&(0,D.jsx)(`span`,{className:`muted`,children:`None`}),i.length>0&&(0,D.jsx)(`ul`,{className:`ds-chips`,"aria-label":`Dataset tags`,children:i.map(e=>(0,D.jsxs)(`li`,{className:`ds-chip ${f?`ds-saving`:``}`,children:[(0,D.jsxs)(`span`,{className:`tag`,title:`${e.key}${e.value?` = ${e.value}`:``} · ${e.origin}`,children:[e.key,e.value?(0,D.jsxs)(`span`,{className:`tag-origin`,children:[`=`,e.value]}):null]}),t&&e.origin===`manual`&&(0,D.jsx)(`button`,{type:`button`,className:`ds-chip-remove`,"aria-label":`Remove tag ${e.key}`,disabled:f,onClick:()=>void h(e.key),children:`×`})]},e.key))}),t&&(c?(0,D.jsxs)(`form`,{className:`ds-inline-form`,onSubmit:m,children:[(0,D.jsx)(`input`,{"aria-label":`New dataset tag`,placeholder:`certified, domain.sales…`,value:o,onChange:e=>s(e.target.value),onKeyDown:e=>{e.key===`Escape`&&(l(!1),requestAnimationFrame(()=>p.current?.focus()))},disabled:f,autoFocus:!0}),(0,D.jsx)(`button`,{type:`submit`,disabled:f||!o.trim(),children:f?`Saving…`:`Add`}),(0,D.jsx)(`button`,{type:`button`,onClick:()=>l(!1),disabled:f,children:`Cancel`})]}):(0,D.jsx)(`button`,{ref:p,type:`button`,className:`ds-edit-button`,onClick:()=>l(!0),disabled:f,children:`Add tag`})),(0,D.jsx)(M,{error:u.error,what:`add the tag`}),(0,D.jsx)(M,{error:d.error,what:`remove the tag`})]})}function me({column:e,onDone:t}){let{namespace:n,name:r}=T(),[i,a]=(0,C.useState)(``),[o,s]=(0,C.useState)(``),c=A(O);return(0,D.jsxs)(`form`,{className:`ds-col-tag-form`,onSubmit:async a=>{a.preventDefault();let s=i.trim();s&&await c.run({namespace:n,dataset:r,column:e,tag:s,reason:o.trim()||null})&&t(s)},onKeyDown:e=>{e.key===`Escape`&&t(void 0)},"aria-busy":c.saving,children:[(0,D.jsx)(`input`,{"aria-label":`Tag to add on ${e}`,placeholder:`pii.phone`,value:i,onChange:e=>a(e.target.value),disabled:c.saving,autoFocus:!0}),(0,D.jsx)(`input`,{"aria-label":`Reason (optional)`,placeholder:`reason (optional)`,value:o,onChange:e=>s(e.target.value),disabled:c.saving}),(0,D.jsx)(`button`,{type:`submit`,disabled:c.saving||!i.trim(),children:c.saving?`Saving…`:`Add`}),(0,D.jsx)(`button`,{type:`button`,onClick:()=>t(void 0),disabled:c.saving,children:`Cancel`}),(0,D.jsx)(M,{error:c.error,what:`add the tag`})]})}function he({column:e,tag:t,onDone:n}){let{namespace:r,name:i}=T(),a=A(k);return(0,D.jsxs)(D.Fragment,{children:[(0,D.jsx)(`button`,{type:`button`,className:`danger`,disabled:a.saving,onClick:async()=>{await a.run({namespace:r,dataset:i,column:e,tag:t})&&n()},children:a.saving?`Removing…`:`Remove this tag`}),(0,D.jsx)(M,{error:a.error,what:`remove the tag`})]})}function ge({deprecated:e}){let{namespace:t,name:n}=T(),[r,i]=(0,C.useState)(!1),[a,o]=(0,C.useState)(``),s=A(ae),c=(0,C.useRef)(null),l=()=>{i(!1),requestAnimationFrame(()=>c.current?.focus())};return e?(0,D.jsxs)(D.Fragment,{children:[(0,D.jsx)(`button`,{type:`button`,className:`ds-edit-button`,disabled:s.saving,onClick:()=>void s.run({namespace:t,dataset:n,deprecated:!1,note:null}),children:s.saving?`Saving…`:`Lift deprecation`}),(0,D.jsx)(M,{error:s.error,what:`lift the deprecation`})]}):r?(0,D.jsxs)(`form`,{className:`ds-inline-form`,onSubmit:async e=>{e.preventDefault(),await s.run({namespace:t,dataset:n,deprecated:!0,note:a.trim()||null})&&i(!1)},onKeyDown:e=>{e.key===`Escape`&&l()},"aria-busy":s.saving,children:[(0,D.jsx)(`input`,{"aria-label":`Why, and what to use instead`,placeholder:`Replaced by …`,value:a,onChange:e=>o(e.target.value),disabled:s.saving,autoFocus:!0}),(0,D.jsx)(`button`,{type:`submit`,className:`danger`,disabled:s.saving,children:s.saving?`Saving…`:`Deprecate`}),(0,D.jsx)(`button`,{type:`button`,onClick:l,disabled:s.saving,children:`Cancel`}),(0,D.jsx)(M,{error:s.error,what:`deprecate the dataset`})]}):(0,D.jsx)(`button`,{ref:c,type:`button`,className:`ds-edit-button`,onClick:()=>i(!0),children:`Deprecate…`})}function F(e){let t=e.startsWith(`datasetField:`)?e.slice(13):null;if(t===null)return null;let n=t.lastIndexOf(`:`);if(n<0)return null;let r=t.lastIndexOf(`:`,n-1);return r<0?null:{namespace:t.slice(0,r),dataset:t.slice(r+1,n),field:t.slice(n+1)}}function _e(e){return{DB_TABLE:`Table`,TABLE:`Table`,VIEW:`View`,MATERIALIZED_VIEW:`Materialized view`,STREAM:`Stream`,FILE:`File`,MODEL:`Model`}[e.toUpperCase()]??e}function I(e){if(e==null)return`—`;if(e<1e3)return`${e} ms`;let t=Math.round(e/1e3);if(t<60)return`${t} s`;let n=Math.floor(t/60);return n<60?`${n} min ${t%60} s`:`${Math.floor(n/60)} h ${n%60} min`}function L(e){if(!e)return`—`;let t=new Date(e);return Number.isNaN(t.getTime())?e:t.toLocaleString(void 0,{year:`numeric`,month:`short`,day:`numeric`,hour:`2-digit`,minute:`2-digit`})}function R(e,t){return`job-${`${e}-${t}`.replace(/[^A-Za-z0-9_.-]+/g,`_`)}`}function ve(e){switch((e??``).toUpperCase()){case`COMPLETE`:return{label:`Completed`,cls:`run-ok`};case`FAIL`:return{label:`Failed`,cls:`run-fail`};case`ABORT`:return{label:`Aborted`,cls:`run-abort`};case`START`:case`RUNNING`:return{label:`Running`,cls:`run-running`};case``:return{label:`Unknown`,cls:`run-other`};default:return{label:e.charAt(0)+e.slice(1).toLowerCase(),cls:`run-other`}}}function ye({note:e,namespace:t}){let n=e.split(/(\b[A-Za-z_][\w$-]*(?:\.[A-Za-z_][\w$-]*){2,}\b)/);return(0,D.jsx)(D.Fragment,{children:n.map((e,n)=>n%2==1?(0,D.jsx)(p,{to:u(t,e),children:e},n):e)})}function be({d:e,classifications:t,canWrite:n,updatedNotice:r}){let i=e.tags.filter(e=>e.key!==`tier`);return(0,D.jsxs)(`header`,{className:`ds-header`,children:[(0,D.jsxs)(`p`,{className:`ds-kicker`,children:[e.platform&&(0,D.jsx)(p,{to:`/?platform=${encodeURIComponent(e.platform)}`,title:`Search ${e.platform} datasets`,children:e.platform}),e.platform&&` · `,(0,D.jsx)(`span`,{children:_e(e.type)}),` · `,(0,D.jsx)(`span`,{className:`ds-ns`,title:`Namespace`,children:e.namespace})]}),(0,D.jsxs)(`div`,{className:`ds-title`,children:[(0,D.jsx)(`h1`,{"data-testid":`dataset-name`,children:(0,D.jsx)(x,{name:e.name})}),(0,D.jsxs)(`span`,{className:`ds-badges`,children:[(0,D.jsx)(y,{tier:e.tier}),(0,D.jsx)(l,{tags:e.piiTags}),e.deprecation&&(0,D.jsx)(`span`,{className:`badge badge-warn`,children:`Deprecated`}),e.deleted&&(0,D.jsx)(`span`,{className:`badge ds-badge-deleted`,children:`Deleted at source`})]}),(0,D.jsx)(`span`,{className:`ds-updated`,role:`status`,"aria-live":`polite`,children:r?`Updated just now`:``})]}),e.deprecation&&(0,D.jsxs)(`div`,{className:`notice ds-banner`,role:`note`,"data-testid":`deprecation`,children:[(0,D.jsx)(`strong`,{children:`Deprecated`}),` by `,e.deprecation.by,e.deprecation.at&&(0,D.jsxs)(D.Fragment,{children:[` `,(0,D.jsx)(c,{at:e.deprecation.at})]}),e.deprecation.note?(0,D.jsxs)(D.Fragment,{children:[`: `,(0,D.jsx)(ye,{note:e.deprecation.note,namespace:e.namespace})]}):`.`]}),e.deleted&&(0,D.jsxs)(`div`,{className:`notice ds-banner ds-banner-deleted`,role:`note`,children:[(0,D.jsx)(`strong`,{children:`Deleted at source.`}),` The source no longer has this dataset`,e.lifecycleState?` (last lifecycle change: ${e.lifecycleState})`:``,`; its schema, lineage and history stay here.`]}),(0,D.jsx)(oe,{value:e.description,canWrite:n}),(0,D.jsxs)(`dl`,{className:`ds-facts`,children:[(0,D.jsxs)(`div`,{children:[(0,D.jsx)(`dt`,{children:`Owners`}),(0,D.jsx)(`dd`,{children:(0,D.jsx)(ce,{owners:e.owners,canWrite:n})})]}),(0,D.jsxs)(`div`,{children:[(0,D.jsx)(`dt`,{children:`Tier`}),(0,D.jsx)(`dd`,{"data-testid":`tier`,children:n?(0,D.jsx)(ue,{tier:e.tier}):e.tier?(0,D.jsx)(y,{tier:e.tier}):(0,D.jsx)(`span`,{className:`muted`,children:`none`})})]}),(0,D.jsxs)(`div`,{children:[(0,D.jsx)(`dt`,{children:`Classification`}),(0,D.jsx)(`dd`,{"data-testid":`classification`,children:n?(0,D.jsx)(de,{classification:e.classification,allowed:t}):e.classification??(0,D.jsx)(`span`,{className:`muted`,children:`none`})})]}),(0,D.jsxs)(`div`,{children:[(0,D.jsx)(`dt`,{children:`Retention`}),(0,D.jsx)(`dd`,{"data-testid":`retention`,children:n?(0,D.jsx)(fe,{retention:e.retention}):e.retention??(0,D.jsx)(`span`,{className:`muted`,children:`none`})})]}),(0,D.jsxs)(`div`,{children:[(0,D.jsx)(`dt`,{children:`Last written`}),(0,D.jsx)(`dd`,{children:(0,D.jsx)(c,{at:e.lastModifiedAt,empty:`no completed run yet`})})]}),(0,D.jsxs)(`div`,{children:[(0,D.jsx)(`dt`,{children:`Status`}),(0,D.jsxs)(`dd`,{className:`ds-status`,children:[e.deleted?`Deleted at source`:e.deprecation?`Deprecated`:`Active`,n&&(0,D.jsx)(ge,{deprecated:!!e.deprecation})]})]}),(0,D.jsxs)(`div`,{children:[(0,D.jsx)(`dt`,{children:`Schema`}),(0,D.jsx)(`dd`,{children:e.currentVersion>0?`version ${e.currentVersion}`:(0,D.jsx)(`span`,{className:`muted`,children:`not seen yet`})})]}),(0,D.jsxs)(`div`,{className:`ds-facts-wide`,children:[(0,D.jsx)(`dt`,{children:`Tags`}),(0,D.jsx)(`dd`,{children:(0,D.jsx)(pe,{tags:i,canWrite:n})})]})]})]})}var xe=v(`
  subscription DatasetChanges($filter: ChangeFilter) {
    metadataChanges(filter: $filter) {
      seq
      kind
      entity
    }
  }
`),Se=400;function Ce(e,t,n){let r=(0,C.useRef)(n);r.current=n,(0,C.useEffect)(()=>{let n=`dataset:${e}:${t}`,i=`column:${e}:${t}:`,a,o=e=>{(e===n||e.startsWith(i))&&(clearTimeout(a),a=setTimeout(()=>r.current(),Se))},s=S(),c=[n,i].map(e=>s.subscribe({query:xe.toString(),variables:{filter:{entityPrefix:e}}},{next:e=>{let t=e.data?.metadataChanges?.entity;t&&o(t)},error:()=>{},complete:()=>{}}));return()=>{clearTimeout(a),c.forEach(e=>e())}},[e,t])}var we=v(`
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
`);function Te(e){let t=new Map;for(let n of e){let e=[n.start,n.startTag,...n.hops.map(e=>`${e.from}>${e.to}:${e.rule}:${e.tagOut}:${e.job?.namespace}.${e.job?.name}`)].join(`|`),r=t.get(e);r?n.hops.forEach((e,t)=>{r.hops[t].origins.includes(e.origin)||r.hops[t].origins.push(e.origin)}):t.set(e,{...n,hops:n.hops.map(e=>({...e,origins:[e.origin]}))})}return[...t.values()]}function Ee(e){return`edge ${e.map(e=>e===`sql`?`derived from the job’s SQL`:e===`openlineage`?`stated by the producer`:`from ${e}`).join(` and `)}`}var De={proposed:`Proposed: waiting for one of the dataset’s owners to confirm or reject it.`,confirmed:`Confirmed: a reviewer or the producer says the column holds it.`,rejected:`Rejected: a reviewer decided the column does not hold it; it no longer flows on from here.`};function Oe(e){switch(e.origin){case`declared`:return`declared by the producer`;case`manual`:return`added by hand`;case`detected`:return e.detectedBy?`detected by the rule “${e.detectedBy}”`:`detected from the column’s name and type`;case`propagated`:return`reached along the lineage from another column`;case`reviewed`:return`set by a review`;default:return e.origin}}function ke(e){switch(e.kind){case`declared`:return`declared by a producer`;case`detected`:return e.rule?`detected (rule “${e.rule}”)`:`detected`;case`manual`:return`added by hand`;case`confirmed`:return`confirmed by a reviewer`;default:return e.kind}}function z({id:e}){let{namespace:t,name:n}=T(),r=F(e);if(!r)return(0,D.jsx)(`code`,{children:e});let i=r.namespace===t&&r.dataset===n;return(0,D.jsxs)(`span`,{className:`ds-colref`,children:[i?(0,D.jsx)(`span`,{className:`muted`,children:(0,D.jsx)(x,{name:r.dataset})}):(0,D.jsx)(p,{to:u(r.namespace,r.dataset),title:`${r.namespace} ${r.dataset}`,children:(0,D.jsx)(x,{name:r.dataset})}),`.`,(0,D.jsx)(`code`,{children:r.field})]})}function Ae({path:e,n:t,total:n}){return(0,D.jsxs)(`section`,{className:`ds-path`,"aria-label":`Path ${t} of ${n}`,children:[n>1&&(0,D.jsxs)(`h3`,{children:[`Path `,t]}),(0,D.jsxs)(`ol`,{children:[(0,D.jsxs)(`li`,{className:`ds-path-start`,children:[(0,D.jsx)(`span`,{className:`ds-path-dot`,"aria-hidden":`true`}),(0,D.jsxs)(`div`,{children:[(0,D.jsx)(`strong`,{children:`Starts at`}),` `,(0,D.jsx)(z,{id:e.start}),` as `,(0,D.jsx)(r,{tag:e.startTag}),(0,D.jsxs)(`div`,{className:`muted`,children:[`How it started: `,e.source.length?e.source.map(ke).join(`, `):`unknown`]})]})]}),e.hops.map((e,t)=>{let n=F(e.to);return(0,D.jsxs)(`li`,{className:`ds-hop`,"data-testid":`explanation-hop`,children:[(0,D.jsx)(`span`,{className:`ds-path-dot`,"aria-hidden":`true`}),(0,D.jsxs)(`div`,{children:[(0,D.jsxs)(`div`,{className:`ds-hop-cols`,children:[(0,D.jsx)(z,{id:e.from}),` `,(0,D.jsx)(`span`,{"aria-label":`to`,children:`→`}),` `,(0,D.jsx)(z,{id:e.to})]}),(0,D.jsxs)(`div`,{children:[(0,D.jsx)(`span`,{className:`ds-rule ds-rule-${e.rule}`,children:e.rule}),` `,e.why]}),(0,D.jsxs)(`div`,{className:`ds-hop-meta`,children:[e.tagIn===e.tagOut?(0,D.jsxs)(D.Fragment,{children:[`carries `,(0,D.jsx)(`code`,{children:e.tagOut})]}):(0,D.jsxs)(D.Fragment,{children:[(0,D.jsx)(`code`,{children:e.tagIn}),` becomes `,(0,D.jsx)(`code`,{children:e.tagOut})]}),e.job&&n&&(0,D.jsxs)(D.Fragment,{children:[` · by job `,(0,D.jsxs)(p,{to:`${u(n.namespace,n.dataset,`jobs`)}#${R(e.job.namespace,e.job.name)}`,children:[e.job.namespace,`.`,e.job.name]})]}),` · `,(0,D.jsx)(`span`,{className:`muted`,children:Ee(e.origins)})]})]})]},t)}),e.hops.length===0&&(0,D.jsxs)(`li`,{className:`ds-hop`,children:[(0,D.jsx)(`span`,{className:`ds-path-dot`,"aria-hidden":`true`}),(0,D.jsx)(`div`,{className:`muted`,children:`No hops: the tag starts at this column.`})]})]})]})}function je({column:e,tag:t,onClose:n}){let{namespace:a,name:o}=T(),l=d().can(`review`),u=(0,C.useRef)(null),f=_(we,{namespace:a,dataset:o,column:e});E(f.refetch),(0,C.useEffect)(()=>{let e=u.current;e&&!e.open&&e.showModal()},[]);let m=f.data?.column?.tags.find(e=>e.key===t),v=m?.explanation,y=v?Te(v.paths):[];return(0,D.jsx)(`dialog`,{ref:u,className:`ds-dialog`,"aria-labelledby":`ds-explain-title`,onClose:n,onClick:e=>{e.target===e.currentTarget&&u.current?.close()},"data-testid":`tag-explanation`,children:(0,D.jsxs)(`div`,{className:`ds-dialog-body`,children:[(0,D.jsxs)(`header`,{className:`ds-dialog-head`,children:[(0,D.jsxs)(`h2`,{id:`ds-explain-title`,children:[`Why `,(0,D.jsx)(`code`,{children:e}),` carries `,(0,D.jsx)(`code`,{children:t})]}),(0,D.jsx)(`button`,{type:`button`,onClick:()=>u.current?.close(),"aria-label":`Close`,autoFocus:!0,children:`×`})]}),f.error?(0,D.jsx)(s,{error:f.error,onRetry:f.refetch}):f.data?!m||!v?(0,D.jsx)(`p`,{children:`The column no longer carries this tag.`}):(0,D.jsxs)(D.Fragment,{children:[(0,D.jsxs)(`p`,{className:`ds-explain-status`,children:[(0,D.jsx)(r,{tag:m.key,status:m.status,origin:m.origin}),` `,De[m.status]??m.status]}),(0,D.jsxs)(`p`,{children:[`Here it was `,Oe(m),m.declared&&m.origin!==`declared`?`; a producer declares it too`:``,m.manual&&m.origin!==`manual`?`; someone also added it by hand`:``,`.`]}),(0,D.jsx)(`p`,{className:`ds-review`,"data-testid":`explanation-review`,children:v.review?(0,D.jsxs)(D.Fragment,{children:[`Latest review by `,(0,D.jsx)(`strong`,{children:v.review.reviewer}),` `,(0,D.jsx)(c,{at:v.review.at,empty:`at an unknown time`}),v.review.reason?(0,D.jsxs)(D.Fragment,{children:[`: “`,v.review.reason,`”`]}):` (no reason given)`,`.`]}):(0,D.jsxs)(D.Fragment,{children:[`Not reviewed yet.`,m.status===`proposed`&&(0,D.jsxs)(D.Fragment,{children:[` `,`The dataset’s owners decide in the `,(0,D.jsx)(p,{to:`/review`,children:`PII review queue`}),`.`]})]})}),(0,D.jsx)(`h3`,{className:`ds-paths-title`,children:y.length===0?`No lineage path`:y.length===1?`How it got here`:`How it got here: ${y.length} paths`}),y.map((e,t)=>(0,D.jsx)(Ae,{path:e,n:t+1,total:y.length},t)),v.paths.length<v.totalPaths&&(0,D.jsxs)(`p`,{className:`muted`,children:[`More paths exist (`,v.totalPaths,` counting each edge separately); the column’s lineage shows them all.`]})]}):(0,D.jsx)(h,{what:`the explanation`}),(0,D.jsxs)(`footer`,{className:`ds-dialog-foot`,children:[(0,D.jsx)(p,{to:i(g(a,o),{column:e,columnLevel:!0}),children:`Open the column’s lineage`}),m?.manual&&l&&(0,D.jsx)(he,{column:e,tag:t,onDone:()=>u.current?.close()}),(0,D.jsx)(`button`,{type:`button`,onClick:()=>u.current?.close(),children:`Close`})]})]})})}var Me=v(`
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
`),B=100,Ne=100;async function V(e,t,n){let r=async r=>(await b(Me,{namespace:e,name:t,after:r},n)).dataset?.columns??null,i=await r(null);if(!i)return null;let a=[...i.nodes],o=i;if(i.pageInfo.hasNextPage&&i.pageInfo.endCursor===String(i.nodes.length-1)){let e=[];for(let t=i.nodes.length;t<i.totalCount&&e.length<99;t+=B)e.push(String(t-1));let t=await Promise.all(e.map(r));for(let e of t)e&&a.push(...e.nodes);o=t[t.length-1]??i}for(let e=Math.ceil(a.length/B);o.pageInfo.hasNextPage&&o.pageInfo.endCursor&&e<Ne;e++){let e=await r(o.pageInfo.endCursor);if(!e)break;a.push(...e.nodes),o=e}let s=new Set;return{columns:a.filter(e=>!s.has(e.name)&&s.add(e.name)),total:i.totalCount}}var H=null,Pe=1e4;function Fe(e,t){let n=V(e,t);n.catch(()=>{}),H={key:JSON.stringify([e,t]),at:Date.now(),promise:n}}function Ie(e,t){let n=H;return H=null,n&&n.key===JSON.stringify([e,t])&&Date.now()-n.at<Pe?n.promise:null}function Le(){let{namespace:e,name:t,refreshKey:n}=T(),[r,i]=(0,C.useState)({loading:!0}),[a,o]=(0,C.useState)(0);return(0,C.useEffect)(()=>{let n=new AbortController;return i(e=>({...e,loading:!0,error:void 0})),(Ie(e,t)??V(e,t,n.signal)).then(e=>{n.signal.aborted||i(e?{columns:e.columns,total:e.total,loading:!1}:{missing:!0,loading:!1})},e=>{n.signal.aborted||i(t=>({...t,error:e,loading:!1}))}),()=>n.abort()},[e,t,n,a]),{...r,retry:()=>o(e=>e+1)}}function Re(e,t){return e.name.toLowerCase().includes(t)||(e.type??``).toLowerCase().includes(t)||(e.description??``).toLowerCase().includes(t)||e.tags.some(e=>e.key.includes(t))}function ze(){let{namespace:e,name:t}=T(),n=d(),r=n.can(`write`),i=n.can(`review`),a=Le(),[o,c]=(0,C.useState)(``),[l,u]=(0,C.useState)(null),[f,p]=(0,C.useState)(null),[m,g]=(0,C.useState)(null),_=(0,C.useRef)(null);(0,C.useEffect)(()=>{let e=_.current;e&&!l&&(_.current=null,document.getElementById(`column-${e.column}`)?.querySelector(`.${e.cls}`)?.focus())});let v=(0,C.useCallback)((e,t)=>{t&&g({column:e.name,text:t,base:e.description}),_.current={column:e.name,cls:`ds-edit-desc`},u(null)},[]),y=(0,C.useCallback)(e=>{_.current={column:e.name,cls:`ds-add-tag`},u(null)},[]),b=o.trim().toLowerCase(),x=(0,C.useMemo)(()=>a.columns&&b?a.columns.filter(e=>Re(e,b)):a.columns,[a.columns,b]);if(a.missing)return null;if(a.error&&!a.columns)return(0,D.jsx)(s,{error:a.error,onRetry:a.retry});if(!a.columns)return(0,D.jsx)(h,{what:`columns`});if(a.columns.length===0)return(0,D.jsx)(`p`,{className:`muted`,children:`No schema yet: no producer or crawler has described this dataset’s columns.`});let S=a.columns.filter(e=>e.tags.some(e=>e.key.startsWith(`pii.`)&&e.status!==`rejected`)).length,w=a.columns.filter(e=>e.tags.some(e=>e.status===`proposed`)).length;return(0,D.jsxs)(`div`,{className:`ds-schema`,children:[(0,D.jsxs)(`div`,{className:`ds-toolbar`,children:[(0,D.jsxs)(`p`,{className:`ds-summary`,children:[a.total,` column`,a.total===1?``:`s`,S>0&&(0,D.jsxs)(D.Fragment,{children:[` · `,(0,D.jsxs)(`span`,{className:`ds-pii-count`,children:[S,` with personal data`]})]}),w>0&&(0,D.jsxs)(D.Fragment,{children:[` · `,w,` with tags awaiting review`]}),a.loading&&(0,D.jsx)(`span`,{className:`muted`,children:` · loading…`})]}),(0,D.jsx)(`input`,{type:`search`,className:`ds-filter`,"aria-label":`Filter columns by name, type, description or tag`,placeholder:`Filter columns`,value:o,onChange:e=>c(e.target.value)})]}),a.error?(0,D.jsx)(s,{error:a.error,onRetry:a.retry}):null,a.total!==void 0&&a.total>a.columns.length&&!a.loading&&(0,D.jsxs)(`p`,{className:`notice`,children:[`Showing the first `,a.columns.length,` of `,a.total,` columns.`]}),(0,D.jsxs)(`div`,{className:`ds-table-wrap`,children:[(0,D.jsxs)(`table`,{className:`ds-schema-table`,"data-testid":`schema-table`,children:[(0,D.jsxs)(`caption`,{className:`sr-only`,children:[`Columns of `,t]}),(0,D.jsx)(`thead`,{children:(0,D.jsxs)(`tr`,{children:[(0,D.jsx)(`th`,{scope:`col`,className:`ds-ord`,children:`#`}),(0,D.jsx)(`th`,{scope:`col`,children:`Column`}),(0,D.jsx)(`th`,{scope:`col`,children:`Type`}),(0,D.jsx)(`th`,{scope:`col`,children:`Description`}),(0,D.jsx)(`th`,{scope:`col`,children:`Tags`})]})}),(0,D.jsx)(`tbody`,{children:x?.map(n=>{let a=m&&m.column===n.name&&m.base===n.description?m.text:n.description,o=l?.column===n.name?l.what:null;return(0,D.jsx)(Be,{c:n,description:a,namespace:e,dataset:t,canWrite:r,canReview:i,editing:o,onEdit:u,onExplain:p,onDescriptionSaved:v,onTagAdded:y},n.name)})})]}),x&&x.length===0&&(0,D.jsxs)(`p`,{className:`muted`,children:[`No column matches “`,o,`”.`]})]}),f&&(0,D.jsx)(je,{column:f.column,tag:f.tag,onClose:()=>{let e=f?.opener;p(null),requestAnimationFrame(()=>e?.focus())}})]})}var Be=(0,C.memo)(function({c:e,description:t,namespace:n,dataset:a,canWrite:o,canReview:s,editing:c,onEdit:l,onExplain:u,onDescriptionSaved:d,onTagAdded:f}){return(0,D.jsxs)(`tr`,{"data-column":e.name,id:`column-${e.name}`,children:[(0,D.jsx)(`td`,{className:`ds-ord`,children:e.ordinal+1}),(0,D.jsxs)(`th`,{scope:`row`,className:`ds-colname`,children:[(0,D.jsx)(`code`,{children:e.name}),(0,D.jsx)(p,{className:`ds-col-lineage`,to:i(g(n,a),{column:e.name,columnLevel:!0}),"aria-label":`Column lineage of ${e.name}`,title:`Column lineage`,children:`⇄`})]}),(0,D.jsx)(`td`,{className:`ds-coltype`,children:(0,D.jsx)(`code`,{children:e.type??`—`})}),(0,D.jsx)(`td`,{className:`ds-coldesc`,children:c===`description`?(0,D.jsx)(N,{column:e.name,value:t,onDone:t=>d(e,t)}):(0,D.jsxs)(D.Fragment,{children:[t?(0,D.jsx)(`span`,{children:t}):(0,D.jsx)(`span`,{className:`muted`,children:`—`}),o&&(0,D.jsx)(`button`,{type:`button`,className:`ds-row-button ds-edit-desc`,"aria-label":`Edit description of ${e.name}`,onClick:()=>l({column:e.name,what:`description`}),children:`Edit`})]})}),(0,D.jsxs)(`td`,{className:`ds-coltags`,children:[e.tags.map(t=>(0,D.jsx)(r,{tag:t.key,status:t.status,origin:t.origin,onClick:()=>u({column:e.name,tag:t.key,opener:document.activeElement})},t.key)),c===`tag`?(0,D.jsx)(me,{column:e.name,onDone:()=>f(e)}):s&&(0,D.jsx)(`button`,{type:`button`,className:`ds-row-button ds-add-tag`,"aria-label":`Add a tag to ${e.name}`,onClick:()=>l({column:e.name,what:`tag`}),children:`+ tag`})]})]})});v(`
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
`);var Ve=v(`
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
`);function U(e,t,n){let r=new Map;for(let n of e.nodes)n.id!==t&&n.type===`DATASET`&&n.depth===1&&r.set(n.id,{id:n.id,namespace:n.namespace??``,name:n.name??n.id,jobs:[],origins:new Set,stale:!0});for(let t of e.edges){let e=n===`up`?t.src:t.dst,i=r.get(e);i&&(i.origins.add(t.origin),i.stale=i.stale&&t.stale,t.job&&!i.jobs.some(e=>e.namespace===t.job.namespace&&e.name===t.job.name)&&i.jobs.push(t.job))}let i=[...r.values()];for(let e of i)e.origins.size===0&&(e.stale=!1);return i.sort((e,t)=>e.name.localeCompare(t.name)),{list:i,hidden:e.nodes.find(e=>e.id===t)?.hiddenChildren??0}}var W=15;function G({title:e,items:t,hidden:n,dir:r,empty:a}){let{namespace:o,name:s}=T(),[c,l]=(0,C.useState)(!1),d=c?t:t.slice(0,W);return(0,D.jsxs)(`section`,{className:`ds-lineage-col`,"aria-labelledby":`ds-lineage-${r}`,children:[(0,D.jsxs)(`h2`,{id:`ds-lineage-${r}`,children:[e,` `,(0,D.jsxs)(`span`,{className:`muted`,children:[`(`,t.length+n,`)`]})]}),t.length===0?(0,D.jsx)(`p`,{className:`muted`,children:a}):(0,D.jsx)(`ul`,{className:`ds-neighbours`,"data-testid":`lineage-${r}`,children:d.map(e=>(0,D.jsxs)(`li`,{children:[(0,D.jsx)(p,{to:u(e.namespace,e.name,`lineage`),className:`ds-neighbour-name`,children:e.name}),e.namespace!==o&&(0,D.jsxs)(`span`,{className:`muted ds-neighbour-ns`,children:[` in `,e.namespace]}),(0,D.jsxs)(`div`,{className:`ds-neighbour-meta`,children:[e.jobs.length>0?(0,D.jsxs)(D.Fragment,{children:[`by`,` `,e.jobs.map((t,n)=>{let i=r===`up`?u(o,s,`jobs`):u(e.namespace,e.name,`jobs`);return(0,D.jsxs)(`span`,{children:[n>0&&`, `,(0,D.jsx)(p,{to:`${i}#${R(t.namespace,t.name)}`,children:t.name})]},`${t.namespace}:${t.name}`)})]}):(0,D.jsx)(`span`,{className:`muted`,children:`no job recorded`}),[...e.origins].map(e=>(0,D.jsx)(`span`,{className:`badge ds-origin`,title:e===`sql`?`Derived from the job’s SQL`:e===`openlineage`?`Declared by the producer (OpenLineage)`:`From ${e}`,children:e===`sql`?`from SQL`:e===`openlineage`?`declared`:e},e)),e.stale&&(0,D.jsx)(`span`,{className:`badge badge-warn`,title:`No producer stated this edge lately`,children:`stale`})]})]},e.id))}),t.length>W&&(0,D.jsx)(`button`,{type:`button`,className:`link`,onClick:()=>l(!c),"aria-expanded":c,children:c?`Show the first ${W}`:`Show all ${t.length}`}),n>0&&(0,D.jsxs)(`p`,{className:`muted`,children:[n,` more not listed: `,(0,D.jsx)(p,{to:i(g(o,s)),children:`see them in the explorer`}),`.`]})]})}function He(){let{namespace:e,name:t}=T(),n=_(Ve,{namespace:e,name:t});E(n.refetch);let r=g(e,t),a=(0,D.jsxs)(`p`,{className:`ds-explorer-link`,children:[(0,D.jsx)(p,{to:i(r),className:`button primary`,"data-testid":`open-lineage-explorer`,children:`Open in lineage explorer`}),(0,D.jsx)(p,{to:i(r,{columnLevel:!0}),className:`ds-explorer-columns`,children:`Column-level view`})]});if(n.error&&!n.data)return(0,D.jsx)(s,{error:n.error,onRetry:n.refetch});if(!n.data)return(0,D.jsx)(h,{what:`lineage`});let o=n.data.dataset;if(!o)return null;let c=U(o.upstream,r,`up`),l=U(o.downstream,r,`down`),d=o.impact;return(0,D.jsxs)(`div`,{className:`ds-lineage`,children:[a,(0,D.jsxs)(`div`,{className:`ds-lineage-grid`,children:[(0,D.jsx)(G,{title:`Built from`,items:c.list,hidden:c.hidden,dir:`up`,empty:`Nothing upstream is known: no job that writes it said what it reads.`}),(0,D.jsxs)(`div`,{className:`ds-lineage-self`,"aria-hidden":`true`,children:[(0,D.jsx)(`span`,{children:`→`}),(0,D.jsx)(`strong`,{children:t.split(`.`).pop()}),(0,D.jsx)(`span`,{children:`→`})]}),(0,D.jsx)(G,{title:`Used by`,items:l.list,hidden:l.hidden,dir:`down`,empty:`Nothing downstream is known to read it.`})]}),(0,D.jsxs)(`section`,{className:`ds-impact`,"aria-labelledby":`ds-impact-title`,children:[(0,D.jsx)(`h2`,{id:`ds-impact-title`,children:`Who a change would reach`}),d.datasets.totalCount===0?(0,D.jsx)(`p`,{className:`muted`,children:`No dataset depends on this one.`}):(0,D.jsxs)(D.Fragment,{children:[(0,D.jsxs)(`p`,{children:[d.datasets.totalCount,` dataset`,d.datasets.totalCount===1?``:`s`,` and `,d.columns.totalCount,` column`,d.columns.totalCount===1?``:`s`,` downstream, at any depth. Tell their owners before changing this one.`]}),(0,D.jsxs)(`table`,{className:`ds-impact-table`,children:[(0,D.jsx)(`thead`,{children:(0,D.jsxs)(`tr`,{children:[(0,D.jsx)(`th`,{scope:`col`,children:`Dataset`}),(0,D.jsx)(`th`,{scope:`col`,children:`Tier`}),(0,D.jsx)(`th`,{scope:`col`,children:`Owners`})]})}),(0,D.jsx)(`tbody`,{children:d.datasets.nodes.map(e=>(0,D.jsxs)(`tr`,{children:[(0,D.jsx)(`td`,{children:e.namespace&&e.name?(0,D.jsx)(p,{to:u(e.namespace,e.name),children:e.name}):(0,D.jsx)(`code`,{children:e.id})}),(0,D.jsx)(`td`,{children:e.tier?(0,D.jsx)(y,{tier:e.tier}):(0,D.jsx)(`span`,{className:`muted`,children:`—`})}),(0,D.jsx)(`td`,{children:(0,D.jsx)(f,{owners:e.owners})})]},e.id))})]}),d.datasets.totalCount>d.datasets.nodes.length&&(0,D.jsxs)(`p`,{className:`muted`,children:[`The `,d.datasets.totalCount-d.datasets.nodes.length,` others are in the `,(0,D.jsx)(p,{to:i(r),children:`lineage explorer`}),`.`]})]})]})]})}var Ue=v(`
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
`),We=864e5;function Ge(e,t){let n=new Map(t.map(e=>[e.day,e])),r=Date.parse(`${e}T00:00:00Z`),i=t.length?Math.max(Date.now(),Date.parse(`${t[t.length-1].day}T00:00:00Z`)):Date.now(),a=[];for(let e=r;e<=i&&a.length<400;e+=We){let t=new Date(e).toISOString().slice(0,10),r=n.get(t);a.push({day:t,reads:r?.reads??0,writes:r?.writes??0,users:r?.users??0})}return a}function Ke(e){if(e<=4)return 4;let t=10**Math.floor(Math.log10(e));for(let n of[1,2,2.5,5,10])if(n*t>=e)return n*t;return 10*t}var K=e=>new Date(`${e}T00:00:00Z`).toLocaleDateString(void 0,{month:`short`,day:`numeric`,timeZone:`UTC`});function qe(){let e=(0,C.useRef)(null),[t,n]=(0,C.useState)(0);return(0,C.useEffect)(()=>{let t=e.current;if(!t)return;n(t.clientWidth);let r=new ResizeObserver(([e])=>n(Math.floor(e.contentRect.width)));return r.observe(t),()=>r.disconnect()},[]),[e,t]}function Je({days:e,name:t}){let[n,r]=qe(),i={top:12,right:8,bottom:26,left:40},a=Math.max(0,r-i.left-i.right),o=200-i.top-i.bottom,s=Ke(Math.max(...e.map(e=>e.reads),0)),c=e.length?a/e.length:0,l=Math.max(1,c*.72),u=e=>o-e/s*o,d=[0,s/4,s/2,3*s/4,s],f=r<500?10:7,p=e.reduce((e,t)=>e+t.reads,0),m=e.reduce((e,t)=>t.reads>e.reads?t:e,e[0]);return(0,D.jsxs)(`figure`,{className:`ds-chart`,ref:n,children:[r>0&&(0,D.jsxs)(`svg`,{width:r,height:200,role:`img`,"aria-labelledby":`ds-chart-title ds-chart-desc`,"data-testid":`usage-chart`,children:[(0,D.jsxs)(`title`,{id:`ds-chart-title`,children:[`Reads of `,t,` per day`]}),(0,D.jsxs)(`desc`,{id:`ds-chart-desc`,children:[p,` reads over `,e.length,` days from `,K(e[0].day),` to `,K(e[e.length-1].day),m&&m.reads>0?`; the busiest day was ${K(m.day)} with ${m.reads}`:``,`.`]}),(0,D.jsxs)(`g`,{transform:`translate(${i.left},${i.top})`,children:[d.map(e=>(0,D.jsxs)(`g`,{transform:`translate(0,${u(e)})`,className:`ds-chart-tick`,children:[(0,D.jsx)(`line`,{x2:a}),(0,D.jsx)(`text`,{x:-6,dy:`0.32em`,textAnchor:`end`,children:Number.isInteger(e)?e:e.toFixed(1)})]},e)),e.map((e,t)=>(0,D.jsx)(`rect`,{className:`ds-chart-bar`,x:t*c+(c-l)/2,y:u(e.reads),width:l,height:Math.max(0,o-u(e.reads)),"data-day":e.day,"data-reads":e.reads,children:(0,D.jsxs)(`title`,{children:[K(e.day),`: `,e.reads,` read`,e.reads===1?``:`s`,`, `,e.users,` user`,e.users===1?``:`s`]})},e.day)),e.map((t,n)=>n%f===0&&e.length-1-n>=f/2||n===e.length-1?(0,D.jsx)(`text`,{className:`ds-chart-xlabel`,x:n*c+c/2,y:o+17,textAnchor:n===e.length-1?`end`:`middle`,children:K(t.day)},t.day):null),(0,D.jsx)(`line`,{className:`ds-chart-axis`,x1:0,x2:a,y1:o,y2:o})]})]}),(0,D.jsxs)(`figcaption`,{className:`muted`,children:[`Reads per day, last `,e.length,` days (UTC). Hover a bar for the day’s numbers.`]}),(0,D.jsxs)(`table`,{className:`sr-only`,children:[(0,D.jsx)(`caption`,{children:`Reads per day`}),(0,D.jsx)(`thead`,{children:(0,D.jsxs)(`tr`,{children:[(0,D.jsx)(`th`,{scope:`col`,children:`Day`}),(0,D.jsx)(`th`,{scope:`col`,children:`Reads`}),(0,D.jsx)(`th`,{scope:`col`,children:`Writes`}),(0,D.jsx)(`th`,{scope:`col`,children:`Users`})]})}),(0,D.jsx)(`tbody`,{children:e.map(e=>(0,D.jsxs)(`tr`,{children:[(0,D.jsx)(`th`,{scope:`row`,children:e.day}),(0,D.jsx)(`td`,{children:e.reads}),(0,D.jsx)(`td`,{children:e.writes}),(0,D.jsx)(`td`,{children:e.users})]},e.day))})]})]})}function q({label:e,value:t,testId:n}){return(0,D.jsxs)(`div`,{className:`ds-stat`,"data-testid":n,children:[(0,D.jsx)(`dt`,{children:e}),(0,D.jsx)(`dd`,{children:t})]})}function Ye({columns:e}){let[t,n]=(0,C.useState)(!1),r=[...e].sort((e,t)=>t.reads-e.reads||e.name.localeCompare(t.name)),i=t?r:r.slice(0,10),a=Math.max(1,...r.map(e=>e.reads));return r.length===0?(0,D.jsx)(`p`,{className:`muted`,children:`No column-level reads recorded.`}):(0,D.jsxs)(D.Fragment,{children:[(0,D.jsxs)(`table`,{className:`ds-topcols`,"data-testid":`usage-columns`,children:[(0,D.jsx)(`thead`,{children:(0,D.jsxs)(`tr`,{children:[(0,D.jsx)(`th`,{scope:`col`,children:`Column`}),(0,D.jsx)(`th`,{scope:`col`,children:`Reads`}),(0,D.jsx)(`th`,{scope:`col`,children:`Users`})]})}),(0,D.jsx)(`tbody`,{children:i.map(e=>(0,D.jsxs)(`tr`,{children:[(0,D.jsx)(`th`,{scope:`row`,children:(0,D.jsx)(`code`,{children:e.name})}),(0,D.jsxs)(`td`,{className:`ds-topcols-bar`,children:[(0,D.jsx)(`span`,{className:`ds-hbar`,style:{width:`${e.reads/a*100}%`},"aria-hidden":`true`}),(0,D.jsx)(`span`,{className:`ds-hbar-num`,children:e.reads.toLocaleString()})]}),(0,D.jsx)(`td`,{children:e.users})]},e.name))})]}),r.length>10&&(0,D.jsx)(`button`,{type:`button`,className:`link`,onClick:()=>n(!t),"aria-expanded":t,children:t?`Show the top 10`:`Show all ${r.length} columns`})]})}function Xe(){let{namespace:e,name:t}=T(),n=_(Ue,{namespace:e,name:t});if(E(n.refetch),n.error&&!n.data)return(0,D.jsx)(s,{error:n.error,onRetry:n.refetch});if(!n.data)return(0,D.jsx)(h,{what:`usage`});let r=n.data.dataset?.usage;if(!r)return null;if(r.reads===0&&r.writes===0&&r.days.length===0)return(0,D.jsx)(`div`,{className:`ds-empty`,"data-testid":`usage-empty`,children:(0,D.jsxs)(`p`,{children:[(0,D.jsx)(`strong`,{children:`No usage recorded`}),` in the last 30 days: crawl a query log with `,(0,D.jsx)(`code`,{children:`weft crawl --query-log …`}),` (Snowflake, BigQuery, Redshift or JSON lines) or a PostgreSQL database with `,(0,D.jsx)(`code`,{children:`pg_stat_statements`}),`, and reads and writes show up here.`]})});let i=Ge(r.since,r.days);return(0,D.jsxs)(`div`,{className:`ds-usage`,children:[(0,D.jsxs)(`dl`,{className:`ds-stats`,children:[(0,D.jsx)(q,{label:`Reads (30 days)`,value:r.reads.toLocaleString(),testId:`usage-reads`}),(0,D.jsx)(q,{label:`Writes`,value:r.writes.toLocaleString()}),(0,D.jsx)(q,{label:`Distinct users`,value:r.users.toLocaleString()}),(0,D.jsx)(q,{label:`Distinct statements`,value:r.statements.toLocaleString()}),(0,D.jsx)(q,{label:`Last read`,value:r.lastRead?K(r.lastRead):(0,D.jsx)(`span`,{className:`muted`,children:`never`})})]}),(0,D.jsx)(Je,{days:i,name:t}),(0,D.jsx)(`h2`,{children:`Most-read columns`}),(0,D.jsx)(Ye,{columns:r.columns})]})}function Ze({sql:e,errors:t=[],label:n}){let r=e.replace(/\r\n?/g,`
`).split(`
`),i=new Map;for(let e of t)e.line&&i.set(e.line,[...i.get(e.line)??[],e]);let a=String(r.length).length;return(0,D.jsx)(`pre`,{className:`sql-view`,"aria-label":n,tabIndex:0,style:{"--ln-width":`${a+1}ch`},children:(0,D.jsx)(`code`,{children:r.map((e,t)=>{let n=t+1,r=i.get(n);return(0,D.jsxs)(`span`,{className:r?`sql-line sql-line-error`:`sql-line`,"data-line":n,tabIndex:r?-1:void 0,children:[(0,D.jsx)(`span`,{className:`sql-ln`,"aria-hidden":`true`,children:n}),r&&(0,D.jsxs)(`span`,{className:`sr-only`,children:[`Error on line `,n,`: `]}),(0,D.jsx)(`span`,{className:`sql-text`,children:e||` `}),r?.map((e,t)=>(0,D.jsxs)(`span`,{className:`sql-caret`,role:`note`,children:[(0,D.jsx)(`span`,{className:`sql-ln`,"aria-hidden":`true`}),(0,D.jsxs)(`span`,{"aria-hidden":`true`,children:[` `.repeat(Math.max(0,(e.column??1)-1)),`^ `]}),e.message]},t))]},n)})})})}function Qe(e,t){let n=e?.querySelector(`.sql-line[data-line="${t}"]`);n&&(n.scrollIntoView({block:`center`,behavior:`smooth`}),n.focus({preventScroll:!0}))}v(`
  fragment DatasetRunFields on Run {
    id
    state
    startedAt
    endedAt
    durationMs
    createdAt
  }
`);var $e=v(`
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
`),et=v(`
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
`);function J({state:e}){let t=ve(e);return(0,D.jsx)(`span`,{className:`badge ds-run ${t.cls}`,children:t.label})}function tt({job:e}){let[t,n]=(0,C.useState)([]),[r,i]=(0,C.useState)(e.runs.pageInfo.hasNextPage?e.runs.pageInfo.endCursor:null),[a,o]=(0,C.useState)(!1),[c,l]=(0,C.useState)(null),u=[...e.runs.nodes,...t],d=async()=>{if(r&&e.namespace&&e.name){o(!0),l(null);try{let t=(await b(et,{namespace:e.namespace,name:e.name,after:r})).job?.runs;n(e=>[...e,...t?.nodes??[]]),i(t?.pageInfo.hasNextPage?t.pageInfo.endCursor??null:null)}catch(e){l(e)}finally{o(!1)}}};return u.length===0?(0,D.jsx)(`p`,{className:`muted`,children:`No runs recorded.`}):(0,D.jsxs)(`details`,{className:`ds-runs`,children:[(0,D.jsxs)(`summary`,{children:[`Runs `,(0,D.jsxs)(`span`,{className:`muted`,children:[`(`,e.runs.totalCount,`)`]})]}),(0,D.jsx)(`div`,{className:`ds-table-wrap`,children:(0,D.jsxs)(`table`,{className:`ds-runs-table`,children:[(0,D.jsx)(`thead`,{children:(0,D.jsxs)(`tr`,{children:[(0,D.jsx)(`th`,{scope:`col`,children:`State`}),(0,D.jsx)(`th`,{scope:`col`,children:`Started`}),(0,D.jsx)(`th`,{scope:`col`,children:`Ended`}),(0,D.jsx)(`th`,{scope:`col`,children:`Duration`}),(0,D.jsx)(`th`,{scope:`col`,children:`Run`})]})}),(0,D.jsx)(`tbody`,{children:u.map((e,t)=>(0,D.jsxs)(`tr`,{children:[(0,D.jsx)(`td`,{children:(0,D.jsx)(J,{state:e.state})}),(0,D.jsx)(`td`,{children:L(e.startedAt??e.createdAt)}),(0,D.jsx)(`td`,{children:L(e.endedAt)}),(0,D.jsx)(`td`,{children:I(e.durationMs)}),(0,D.jsx)(`td`,{children:(0,D.jsx)(`code`,{title:e.id??void 0,children:e.id?e.id.slice(-12):`—`})})]},e.id??t))})]})}),r&&(0,D.jsx)(`button`,{type:`button`,onClick:d,disabled:a,children:a?`Loading…`:`Load more runs (${u.length} of ${e.runs.totalCount} shown)`}),c?(0,D.jsx)(s,{error:c,onRetry:d}):null]})}function nt({job:e}){let t=(0,C.useRef)(null),n=e.sqlLineage;if(!e.sql)return(0,D.jsxs)(`p`,{className:`muted`,children:[`No SQL: the producer sent no `,(0,D.jsx)(`code`,{children:`sql`}),` facet for this job.`]});let r=n?.errors??[];return(0,D.jsxs)(`div`,{className:`ds-sql`,ref:t,children:[(0,D.jsx)(`h4`,{children:`SQL and the lineage Weft derived from it`}),n?(0,D.jsxs)(`p`,{className:`ds-sql-outcome`,"data-testid":`sql-outcome`,children:[n.statements,` statement`,n.statements===1?``:`s`,` analysed, `,n.edges,` column edge`,n.edges===1?``:`s`,` derived`,r.length>0?(0,D.jsxs)(`strong`,{className:`ds-sql-errcount`,children:[`, `,r.length,` error`,r.length===1?``:`s`]}):null,n.analyzedAt&&(0,D.jsxs)(`span`,{className:`muted`,children:[` `,`· analysed `,(0,D.jsx)(c,{at:n.analyzedAt})]})]}):(0,D.jsx)(`p`,{className:`muted`,children:`Not analysed yet.`}),r.length>0&&(0,D.jsx)(`ul`,{className:`ds-sql-errors`,"data-testid":`sql-errors`,children:r.map((e,n)=>(0,D.jsxs)(`li`,{children:[(0,D.jsx)(`span`,{className:`ds-sql-err-mark`,"aria-hidden":`true`,children:`✖`}),` `,(0,D.jsx)(`strong`,{children:`Parse error`}),e.statement!==null&&e.statement!==void 0?` in statement ${e.statement+1}`:``,e.line?(0,D.jsxs)(D.Fragment,{children:[` at `,(0,D.jsxs)(`button`,{type:`button`,className:`link`,onClick:()=>Qe(t.current,e.line),children:[`line `,e.line,e.column?`, column ${e.column}`:``]})]}):null,`: `,e.message]},n))}),n&&n.unresolved.length>0&&(0,D.jsxs)(`p`,{className:`ds-sql-unresolved`,children:[(0,D.jsx)(`strong`,{children:`Names it could not place:`}),` `,n.unresolved.map((e,t)=>(0,D.jsxs)(`span`,{children:[t>0&&`, `,(0,D.jsx)(`code`,{children:e})]},e)),`. List them among the job’s inputs and outputs, or set `,(0,D.jsx)(`code`,{children:`sql_default_namespace`}),`/`,(0,D.jsx)(`code`,{children:`_database`}),`/`,(0,D.jsx)(`code`,{children:`_schema`}),`.`]}),(0,D.jsx)(Ze,{sql:e.sql,errors:r,label:`SQL of ${e.name}`})]})}function rt({entry:e,defaultOpen:t}){let n=e.job,[r,i]=(0,C.useState)(t),a=R(n.namespace??``,n.name??``),o=n.latestRun,s=n.sqlLineage?.errors.length??0;return(0,D.jsxs)(`details`,{className:`ds-job`,id:a,open:r,onToggle:e=>i(e.currentTarget.open),"data-job":n.name??void 0,children:[(0,D.jsxs)(`summary`,{children:[(0,D.jsxs)(`span`,{className:`ds-job-title`,children:[(0,D.jsx)(`strong`,{className:`ds-job-name`,children:n.name}),(0,D.jsxs)(`span`,{className:`muted`,children:[` in `,n.namespace]})]}),(0,D.jsx)(`span`,{className:`badge ds-role ds-role-${e.role.toLowerCase()}`,children:e.role===`WRITES`?`writes this`:`reads this`}),o?(0,D.jsxs)(`span`,{className:`ds-job-latest`,children:[(0,D.jsx)(J,{state:o.state}),` `,(0,D.jsx)(c,{at:o.endedAt??o.startedAt??o.updatedAt})]}):(0,D.jsx)(`span`,{className:`muted`,children:`never ran`}),s>0&&(0,D.jsx)(`span`,{className:`badge ds-badge-error`,children:`SQL error`})]}),r&&(0,D.jsxs)(`div`,{className:`ds-job-body`,children:[n.description&&(0,D.jsx)(`p`,{children:n.description}),n.location&&(0,D.jsxs)(`p`,{className:`muted`,children:[`Source: `,(0,D.jsx)(`code`,{children:n.location})]}),o&&(0,D.jsxs)(`p`,{className:`ds-job-latest-line`,children:[`Latest run: `,(0,D.jsx)(J,{state:o.state}),` started `,L(o.startedAt),o.endedAt?`, ended ${L(o.endedAt)} (${I(o.durationMs)})`:`, still running`,`.`]}),(0,D.jsx)(tt,{job:n}),(0,D.jsx)(nt,{job:n})]})]})}function Y(e,t){return e===0?`no job ${t} it`:e===1?`1 job ${t} it`:`${e} jobs ${t.slice(0,-1)} it`}var it=e=>e.charAt(0).toUpperCase()+e.slice(1),at=8;function ot(){let{namespace:e,name:t}=T(),n=_($e,{namespace:e,name:t});E(n.refetch);let[r,i]=(0,C.useState)(``);o();let a=decodeURIComponent(window.location.hash.slice(1)),c=!!n.data;(0,C.useEffect)(()=>{c&&a.startsWith(`job-`)&&document.getElementById(a)?.scrollIntoView({block:`start`})},[c,a]);let l=(0,C.useMemo)(()=>[...n.data?.dataset?.jobs??[]].sort((e,t)=>e.role===t.role?(e.job.name??``).localeCompare(t.job.name??``):e.role===`WRITES`?-1:1),[n.data]);if(n.error&&!n.data)return(0,D.jsx)(s,{error:n.error,onRetry:n.refetch});if(!n.data)return(0,D.jsx)(h,{what:`jobs`});if(l.length===0)return(0,D.jsx)(`p`,{className:`muted`,children:`No job is known to write or read this dataset.`});let u=r.trim().toLowerCase(),d=u?l.filter(e=>`${e.job.namespace}.${e.job.name}`.toLowerCase().includes(u)):l,f=l.filter(e=>e.role===`WRITES`).length,p=l.length-f;return(0,D.jsxs)(`div`,{className:`ds-jobs`,children:[(0,D.jsxs)(`div`,{className:`ds-toolbar`,children:[(0,D.jsx)(`p`,{className:`ds-summary`,children:it(`${Y(f,`writes`)}; ${Y(p,`reads`)}.`)}),l.length>at&&(0,D.jsx)(`input`,{type:`search`,className:`ds-filter`,"aria-label":`Filter jobs by name`,placeholder:`Filter jobs`,value:r,onChange:e=>i(e.target.value)})]}),d.length===0&&(0,D.jsxs)(`p`,{className:`muted`,children:[`No job matches “`,r,`”.`]}),d.map(e=>{let t=R(e.job.namespace??``,e.job.name??``),n=l.length<=3||e.role===`WRITES`||t===a;return(0,D.jsx)(rt,{entry:e,defaultOpen:n},`${e.role}:${e.job.id}`)})]})}var st=v(`
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
`),X=v(`
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
`);function ct(e,t){let n=new Map(e.fields.map(e=>[e.name,e])),r=new Set(t.fields.map(e=>e.name)),i=t.fields.map(e=>{let t=n.get(e.name);return t?{name:e.name,kind:(t.type??``)===(e.type??``)?`same`:`retyped`,from:t.type,to:e.type}:{name:e.name,kind:`added`,to:e.type}});for(let t of e.fields)r.has(t.name)||i.push({name:t.name,kind:`removed`,from:t.type});return i}var lt={added:{sign:`+`,word:`added`},removed:{sign:`−`,word:`removed`},retyped:{sign:`~`,word:`type changed`},same:{sign:``,word:`unchanged`}};function ut(e){let t=t=>e.filter(e=>e.kind===t).length,n=[`${t(`added`)} added`,`${t(`removed`)} removed`,`${t(`retyped`)} type changed`].filter(e=>!e.startsWith(`0 `));return n.length?n.join(`, `):`no column changes`}function dt({versions:e}){let[t,n]=(0,C.useState)(e[1]?.version??e[0].version),[r,i]=(0,C.useState)(e[0].version),[a,o]=(0,C.useState)(!1),s=e.find(e=>e.version===t)??e[e.length-1],c=e.find(e=>e.version===r)??e[0],l=(0,C.useMemo)(()=>ct(s,c),[s,c]),u=l.filter(e=>e.kind!==`same`),d=a?l:u;return(0,D.jsxs)(`section`,{"aria-labelledby":`ds-diff-title`,className:`ds-diff`,children:[(0,D.jsx)(`h2`,{id:`ds-diff-title`,children:`Compare schema versions`}),(0,D.jsxs)(`div`,{className:`ds-diff-pick`,children:[(0,D.jsxs)(`label`,{children:[`From`,` `,(0,D.jsx)(`select`,{value:t,onChange:e=>n(Number(e.target.value)),"data-testid":`diff-from`,children:e.map(e=>(0,D.jsxs)(`option`,{value:e.version,children:[`version `,e.version,` (`,L(e.createdAt),`)`]},e.version))})]}),(0,D.jsxs)(`label`,{children:[`to`,` `,(0,D.jsx)(`select`,{value:r,onChange:e=>i(Number(e.target.value)),"data-testid":`diff-to`,children:e.map(e=>(0,D.jsxs)(`option`,{value:e.version,children:[`version `,e.version,` (`,L(e.createdAt),`)`]},e.version))})]}),(0,D.jsxs)(`label`,{className:`ds-check`,children:[(0,D.jsx)(`input`,{type:`checkbox`,checked:a,onChange:e=>o(e.target.checked)}),` show unchanged columns`]})]}),(0,D.jsx)(`p`,{"aria-live":`polite`,children:s.version===c.version?`The same version on both sides.`:`Version ${s.version} → ${c.version}: ${ut(l)}.`}),d.length>0&&(0,D.jsxs)(`table`,{className:`ds-diff-table`,"data-testid":`version-diff`,children:[(0,D.jsx)(`thead`,{children:(0,D.jsxs)(`tr`,{children:[(0,D.jsx)(`th`,{scope:`col`,children:`Change`}),(0,D.jsx)(`th`,{scope:`col`,children:`Column`}),(0,D.jsxs)(`th`,{scope:`col`,children:[`Type in v`,s.version]}),(0,D.jsxs)(`th`,{scope:`col`,children:[`Type in v`,c.version]})]})}),(0,D.jsx)(`tbody`,{children:d.map(e=>(0,D.jsxs)(`tr`,{className:`ds-diff-${e.kind}`,"data-change":e.kind,children:[(0,D.jsxs)(`td`,{children:[(0,D.jsx)(`span`,{className:`ds-diff-mark`,"aria-hidden":`true`,children:lt[e.kind].sign}),` `,lt[e.kind].word]}),(0,D.jsx)(`th`,{scope:`row`,children:(0,D.jsx)(`code`,{children:e.name})}),(0,D.jsx)(`td`,{children:e.kind===`added`?(0,D.jsx)(`span`,{className:`muted`,children:`—`}):(0,D.jsx)(`code`,{children:e.from??`?`})}),(0,D.jsx)(`td`,{children:e.kind===`removed`?(0,D.jsx)(`span`,{className:`muted`,children:`—`}):(0,D.jsx)(`code`,{children:e.to??`?`})})]},`${e.kind}:${e.name}`))})]})]})}function ft({versions:e,total:t}){return(0,D.jsxs)(`section`,{"aria-labelledby":`ds-versions-title`,children:[(0,D.jsxs)(`h2`,{id:`ds-versions-title`,children:[`Schema versions `,(0,D.jsxs)(`span`,{className:`muted`,children:[`(`,t,`)`]})]}),(0,D.jsx)(`ol`,{className:`ds-versions`,reversed:!0,"data-testid":`versions`,children:e.map((t,n)=>{let r=e[n+1],i=r?ct(r,t).filter(e=>e.kind!==`same`):[];return(0,D.jsxs)(`li`,{children:[(0,D.jsxs)(`strong`,{children:[`Version `,t.version]}),` `,(0,D.jsx)(c,{at:t.createdAt,empty:``}),` `,(0,D.jsxs)(`span`,{className:`muted`,children:[`· `,t.fields.length,` columns`,r?` · ${ut(i)}`:` · first seen`,t.createdByRun?(0,D.jsxs)(D.Fragment,{children:[` · by run `,(0,D.jsx)(`code`,{title:t.createdByRun,children:t.createdByRun.slice(-12)})]}):null]})]},t.version)})}),t>e.length&&(0,D.jsxs)(`p`,{className:`muted`,children:[`The `,t-e.length,` oldest versions are not shown.`]})]})}function pt(e,t,n){let r=e.payload??null,i=`column:${t}:${n}:`,a=e.entity.startsWith(i)?e.entity.slice(i.length):null,o=a?` on column ${a}`:``;if(!r)return e.payload===null&&e.kind!==`openlineage.run`?`${e.kind}${o} (details redacted)`:`${e.kind}${o}`;let s=e=>typeof e==`string`?e:``;switch(e.kind){case`catalog.edit`:{let e=r.edit??{};switch(e.op){case`setDescription`:return e.description?`Description${o} set to “${Z(s(e.description))}”`:`Description${o} returned to the producer’s`;case`setOwners`:{let t=Array.isArray(e.owners)?e.owners.map(e=>s(e.name)):[];return t.length?`Owners set to ${t.join(`, `)}`:`Owners returned to the producer’s`}case`setTier`:return e.tier?`Tier set to ${s(e.tier)}`:`Tier removed`;case`addTag`:return`Tag ${s(e.key)} added${o}`;case`removeTag`:return`Tag ${s(e.key)} removed${o}`;case`deprecate`:return e.deprecated?`Deprecated${e.note?`: “${Z(s(e.note))}”`:``}`:`Deprecation lifted`;default:return`Edited${o}`}}case`tag.review`:{let e={confirm:`confirmed`,reject:`rejected`,clear:`decision cleared on`,add:`added by hand:`,remove:`withdrawn:`},t=s(r.action),n=r.reason?` — “${Z(s(r.reason))}”`:``;return`${s(r.tag)} ${e[t]??t} on column ${s(r.column)||a||`?`}${n}`}case`openlineage.run`:{let e=r.job??{},t=Array.isArray(r.outputs)?r.outputs.find(e=>e.name===n):void 0,i={START:`started a run`,RUNNING:`is running`,COMPLETE:`completed a run`,FAIL:`failed a run`,ABORT:`aborted a run`},a=s(r.eventType).toUpperCase(),o=t?.facets?Object.keys(t.facets):[];return`Job ${s(e.name)} ${i[a]??`sent ${a||`an event`}`}${t?`, writing this dataset${o.length?` (${o.join(`, `)})`:``}`:``}`}case`openlineage.dataset`:{let e=r.dataset??{},t=e.facets?Object.keys(e.facets):[];return`A producer described the dataset${t.length?` (${t.join(`, `)})`:``}`}case`lineage.retract`:return`A lineage edge into this dataset was retracted`;case`policy.violation`:{let e=r.column?` on column ${s(r.column)}`:``,t=r.state===`cleared`?`cleared`:`opened`;return`Policy ${s(r.policy)} (${s(r.severity)}) ${t}${e}: ${Z(s(r.message))}`}default:return`${e.kind}${o}`}}function Z(e,t=120){return e.length>t?`${e.slice(0,t-1)}…`:e}var mt={"catalog.edit":`edit`,"tag.review":`review`,"openlineage.run":`run`,"openlineage.dataset":`dataset event`,"openlineage.job":`job event`,"lineage.retract":`retraction`,"policy.violation":`policy`};function ht(){let{namespace:e,name:t}=T(),n=_(X,{namespace:e,name:t,after:null});E(n.refetch);let[r,i]=(0,C.useState)({base:null,items:[],cursor:null}),[a,o]=(0,C.useState)(!1),[l,u]=(0,C.useState)(null);if(n.error&&!n.data)return(0,D.jsx)(s,{error:n.error,onRetry:n.refetch});if(!n.data)return(0,D.jsx)(h,{what:`the change log`});let d=n.data.dataset?.history;if(!d)return null;let f=r.base===n.data?r:{items:[],cursor:null},p=[...d.nodes,...f.items],m=f.items.length?f.cursor:d.pageInfo.hasNextPage?d.pageInfo.endCursor??null:null,g=async()=>{if(m){o(!0),u(null);try{let r=(await b(X,{namespace:e,name:t,after:m})).dataset?.history;i({base:n.data,items:[...f.items,...r?.nodes??[]],cursor:r?.pageInfo.hasNextPage?r.pageInfo.endCursor??null:null})}catch(e){u(e)}finally{o(!1)}}};return(0,D.jsxs)(`section`,{"aria-labelledby":`ds-changes-title`,children:[(0,D.jsx)(`h2`,{id:`ds-changes-title`,children:`Change log`}),p.length===0?(0,D.jsx)(`p`,{className:`muted`,children:`No change-log entries name this dataset.`}):(0,D.jsx)(`div`,{className:`ds-table-wrap`,children:(0,D.jsxs)(`table`,{className:`ds-changes`,"data-testid":`history-changes`,children:[(0,D.jsx)(`thead`,{children:(0,D.jsxs)(`tr`,{children:[(0,D.jsx)(`th`,{scope:`col`,children:`When`}),(0,D.jsx)(`th`,{scope:`col`,children:`Who`}),(0,D.jsx)(`th`,{scope:`col`,children:`What`}),(0,D.jsx)(`th`,{scope:`col`,className:`ds-seq`,children:`Seq`})]})}),(0,D.jsx)(`tbody`,{children:p.map(n=>(0,D.jsxs)(`tr`,{"data-kind":n.kind,children:[(0,D.jsx)(`td`,{className:`ds-nowrap`,children:(0,D.jsx)(c,{at:n.at,empty:`—`})}),(0,D.jsx)(`td`,{children:n.actor}),(0,D.jsxs)(`td`,{children:[(0,D.jsx)(`span`,{className:`badge ds-kind ds-kind-${(mt[n.kind]??`other`).replace(` `,`-`)}`,children:mt[n.kind]??n.kind}),` `,pt(n,e,t)]}),(0,D.jsx)(`td`,{className:`ds-seq`,children:(0,D.jsx)(`code`,{children:n.seq})})]},n.seq))})]})}),m&&(0,D.jsx)(`button`,{type:`button`,onClick:g,disabled:a,"data-testid":`history-more`,children:a?`Loading…`:`Load more`}),l?(0,D.jsx)(s,{error:l,onRetry:g}):null]})}function gt(){let{namespace:e,name:t}=T(),n=_(st,{namespace:e,name:t});return E(n.refetch),(0,D.jsxs)(`div`,{className:`ds-history`,children:[n.error&&!n.data?(0,D.jsx)(s,{error:n.error,onRetry:n.refetch}):n.data?n.data.dataset?n.data.dataset.versions.nodes.length===0?(0,D.jsx)(`p`,{className:`muted`,children:`No schema seen yet.`}):(0,D.jsxs)(`div`,{className:n.data.dataset.versions.nodes.length>1?`ds-history-versions`:void 0,children:[(0,D.jsx)(ft,{versions:n.data.dataset.versions.nodes,total:n.data.dataset.versions.totalCount}),n.data.dataset.versions.nodes.length>1&&(0,D.jsx)(dt,{versions:n.data.dataset.versions.nodes})]}):null:(0,D.jsx)(h,{what:`schema versions`}),(0,D.jsx)(ht,{})]})}var _t=v(`
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
`),Q=[{tab:`schema`,label:`Schema`},{tab:`lineage`,label:`Lineage`},{tab:`usage`,label:`Usage`},{tab:`jobs`,label:`Jobs and runs`},{tab:`history`,label:`History`}],$=m(window.location.pathname);$.page===`dataset`&&$.tab===`schema`&&Fe($.namespace,$.name);var vt=8e3,yt=3e3;function bt({namespace:e,name:t,tab:n}){let[r,i]=(0,C.useState)(0),a=(0,C.useRef)(0),o=(0,C.useCallback)(()=>{a.current=Date.now(),i(e=>e+1)},[]),s=(0,C.useMemo)(()=>({namespace:e,name:t,refreshKey:r,refresh:o}),[e,t,r,o]),[c,l]=(0,C.useState)(!1),u=(0,C.useRef)(void 0);return Ce(e,t,()=>{i(e=>e+1),Date.now()-a.current<yt||(l(!0),clearTimeout(u.current),u.current=setTimeout(()=>l(!1),vt))}),(0,C.useEffect)(()=>()=>clearTimeout(u.current),[]),(0,C.useEffect)(()=>{document.title=`${t} · Weft`},[t]),(0,D.jsx)(w.Provider,{value:s,children:(0,D.jsx)(`div`,{className:`dataset-page`,children:(0,D.jsx)(xt,{tab:n,notice:c})})})}function xt({tab:e,notice:t}){let n=d(),{namespace:r,name:i}=T(),a=_(_t,{namespace:r,name:i});if(E(a.refetch),a.data&&a.data.dataset===null){let e=i.split(`.`).pop()??i;return(0,D.jsxs)(`section`,{"aria-labelledby":`ds-missing`,children:[(0,D.jsx)(`h1`,{id:`ds-missing`,children:`Dataset not found`}),(0,D.jsxs)(`p`,{"data-testid":`dataset-missing`,children:[`No dataset named `,(0,D.jsx)(`code`,{children:i}),` in `,(0,D.jsx)(`code`,{children:r}),`.`,` `,(0,D.jsxs)(p,{to:`/?q=${encodeURIComponent(e)}`,children:[`Search the catalog for “`,e,`”`]}),`.`]})]})}return(0,D.jsxs)(D.Fragment,{children:[a.data?.dataset?(0,D.jsx)(be,{d:a.data.dataset,classifications:a.data.governance.classifications,canWrite:n.can(`write`),updatedNotice:t}):a.error?(0,D.jsx)(s,{error:a.error,onRetry:a.refetch}):(0,D.jsx)(h,{what:`the dataset`}),(0,D.jsx)(`nav`,{className:`tabs ds-tabs`,"aria-label":`Dataset sections`,children:Q.map(t=>(0,D.jsx)(p,{to:u(r,i,t.tab),"aria-current":t.tab===e?`page`:void 0,"data-tab":t.tab,children:t.label},t.tab))}),(0,D.jsxs)(`section`,{className:`ds-panel`,"aria-label":Q.find(t=>t.tab===e)?.label,children:[e===`schema`&&(0,D.jsx)(ze,{}),e===`lineage`&&(0,D.jsx)(He,{}),e===`usage`&&(0,D.jsx)(Xe,{}),e===`jobs`&&(0,D.jsx)(ot,{}),e===`history`&&(0,D.jsx)(gt,{})]})]})}export{bt as default};