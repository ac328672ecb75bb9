import{a as e,n as t,u as n}from"./preload-helper-C_Qr3eCM.js";import{_ as r,a as i,b as a,c as o,f as s,g as c,i as l,l as u,m as d,n as f,p,r as m,s as h,t as g,u as _,x as v}from"./index-1-KXU5Y-.js";import{t as y}from"./dotted-name-DK97gntZ.js";import{t as b}from"./changes-entity--5ghT3eG.js";var x=n(e(),1),S=t(),C=_(`
  mutation ReviewTags($items: [ReviewTarget!]!, $decision: ReviewDecision!, $reason: String, $reviewer: String) {
    reviewTags(items: $items, decision: $decision, reason: $reason, reviewer: $reviewer) {
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
`),w={CONFIRM:`Confirm`,REJECT:`Reject`,CLEAR:`Clear decision`},T=`weft.reviewer`;function E(){try{return window.localStorage.getItem(T)??``}catch{return``}}function D({targets:e,decisions:t,what:n,onDone:r,onCancel:i,autoFocus:o}){let s=u(),c=(0,x.useId)(),[l,d]=(0,x.useState)(``),[f,p]=(0,x.useState)(E),[m,h]=(0,x.useState)(null),[g,_]=(0,x.useState)(null),y=(0,x.useRef)(null),b=(0,x.useRef)(null),D=!s.authEnabled,O=async t=>{let n=l.trim();if(t===`REJECT`&&!n)_(`Say why you reject it: the reason is kept with the decision in the change log.`),y.current?.focus();else if(D&&!f.trim())_(`Say who you are: this server has no sign-in, so the decision needs a reviewer's name.`),b.current?.focus();else{h(t),_(null);try{D&&window.localStorage.setItem(T,f.trim());let i=await v(C,{items:e,decision:t,reason:n||null,reviewer:D?f.trim():null});r({decision:t,targets:e,reason:n||null,effect:i.reviewTags.effect})}catch(e){_(`Not recorded. ${a(e)}`)}finally{h(null)}}};return(0,S.jsxs)(`form`,{className:`review-decide`,onSubmit:e=>{e.preventDefault(),O(t[0])},"aria-label":`Decide on ${n}`,onKeyDown:e=>{e.key===`Escape`&&i&&m===null&&i()},children:[(0,S.jsxs)(`div`,{className:`review-decide-fields`,children:[(0,S.jsxs)(`label`,{htmlFor:`${c}-reason`,children:[`Reason`,t.includes(`REJECT`)?(0,S.jsx)(`span`,{className:`muted`,children:` (required to reject)`}):null]}),(0,S.jsx)(`input`,{id:`${c}-reason`,ref:y,type:`text`,value:l,onChange:e=>d(e.target.value),placeholder:t[0]===`REJECT`?`e.g. holds a hashed id, not an address`:`why: kept with the decision`,autoFocus:o,maxLength:500,"aria-invalid":g!==null&&t.includes(`REJECT`)&&!l.trim()?!0:void 0}),D&&(0,S.jsxs)(S.Fragment,{children:[(0,S.jsx)(`label`,{htmlFor:`${c}-reviewer`,children:`Your name`}),(0,S.jsx)(`input`,{id:`${c}-reviewer`,ref:b,type:`text`,value:f,onChange:e=>p(e.target.value),autoComplete:`name`,placeholder:`who decides`})]})]}),(0,S.jsxs)(`div`,{className:`review-decide-buttons`,children:[t.map((t,n)=>(0,S.jsx)(`button`,{type:n===0?`submit`:`button`,className:t===`REJECT`?`danger`:t===`CONFIRM`?`primary`:void 0,onClick:n===0?void 0:()=>void O(t),disabled:m!==null,"data-testid":`decide-${t.toLowerCase()}`,children:m===t?`Saving…`:`${w[t]}${e.length>1?` ${e.length}`:``}`},t)),i&&(0,S.jsx)(`button`,{type:`button`,onClick:i,disabled:m!==null,children:`Cancel`})]}),g&&(0,S.jsx)(`p`,{role:`alert`,className:`error review-decide-error`,children:g})]})}var O={CONFIRM:`Confirming`,REJECT:`Rejecting`,CLEAR:`Clearing the decision about`};function k(e){return`${e} downstream column${e===1?``:`s`}`}function A(e){if(e.length===1){let t=e[0];return`${t.tag} on ${t.dataset}.${t.column}`}let t=new Set(e.map(e=>e.tag));return t.size===1?`${[...t][0]} on ${e.length} columns`:`${e.length} tags`}function j({decision:e,targets:t,effect:n}){let r=[];n.lost>0&&r.push(`removed the tag from ${k(n.lost)}`),n.gained>0&&r.push(`added it to ${k(n.gained)}`);let i=r.length>0?r.join(` and `):`changed no downstream column`,a=n.kept>0?` (kept on ${n.kept})`:``;return`${O[e]} ${A(t)} ${i}${a}.`}function M({done:e,onDismiss:t,ref:n}){let{effect:r,reason:i}=e,a=r.changed.length,o=r.lost+r.gained-a;return(0,S.jsxs)(`div`,{className:`review-effect`,ref:n,tabIndex:-1,role:`status`,"data-testid":`review-effect`,children:[(0,S.jsxs)(`p`,{className:`review-effect-sentence`,children:[(0,S.jsx)(`strong`,{children:j(e)}),i?(0,S.jsxs)(`span`,{className:`muted`,children:[` Reason: “`,i,`”.`]}):null]}),a>0&&(0,S.jsxs)(S.Fragment,{children:[(0,S.jsx)(`p`,{className:`review-effect-label`,children:`Columns whose tags changed:`}),(0,S.jsx)(`ul`,{className:`review-effect-list`,children:r.changed.map(e=>(0,S.jsxs)(`li`,{children:[(0,S.jsx)(f,{to:l(e.namespace,e.dataset),title:e.id,children:e.dataset}),(0,S.jsxs)(`span`,{className:`review-colref-field`,children:[`.`,e.field]}),(0,S.jsxs)(`span`,{className:`muted`,children:[` · `,e.namespace]})]},e.id))}),o>0&&(0,S.jsxs)(`p`,{className:`muted`,children:[`and `,o,` more.`]})]}),(0,S.jsx)(`button`,{type:`button`,className:`link`,onClick:t,children:`Dismiss`})]})}function N({id:e,home:t}){let n=b(e,t);return!n||n.kind!==`column`?(0,S.jsx)(`code`,{children:e}):(0,S.jsxs)(`span`,{className:`review-colref`,children:[n.namespace!==t&&(0,S.jsxs)(`span`,{className:`muted`,children:[n.namespace,` · `]}),(0,S.jsx)(f,{to:l(n.namespace,n.name),title:e,children:(0,S.jsx)(y,{name:n.name})}),(0,S.jsxs)(`span`,{className:`review-colref-field`,children:[`.`,n.field]})]})}function P(e){return e.length===0?`a source`:e.map(e=>{switch(e.kind){case`declared`:return`declared by its producer`;case`manual`:return`added by hand`;case`detected`:return e.rule?`detected by the rule “${e.rule}”`:`detected by name`;case`confirmed`:return`confirmed by a reviewer`;default:return e.kind}}).join(` and `)}function F({path:e,home:t}){return(0,S.jsxs)(`div`,{className:`review-path`,children:[(0,S.jsxs)(`p`,{className:`review-path-start`,children:[e.hops.length===0?`On this column: `:`Starts at `,e.hops.length>0&&(0,S.jsxs)(S.Fragment,{children:[(0,S.jsx)(N,{id:e.start,home:t}),`,`,` `]}),(0,S.jsx)(`span`,{className:`tag tag-pii`,children:e.startTag}),` `,P(e.source),`.`]}),e.hops.length>0&&(0,S.jsx)(`ol`,{className:`review-hops`,children:e.hops.map((e,n)=>(0,S.jsxs)(`li`,{children:[(0,S.jsx)(`span`,{className:`review-hop-arrow`,"aria-hidden":`true`,children:`↓`}),` `,(0,S.jsx)(N,{id:e.to,home:t}),` `,(0,S.jsx)(`span`,{className:`review-rule`,title:`edge origin: ${e.origin}`,children:e.rule}),` `,(0,S.jsx)(`span`,{className:`review-why`,children:e.why}),e.tagIn!==e.tagOut&&(0,S.jsxs)(`span`,{className:`review-retag`,children:[` `,`(`,e.tagIn,` → `,e.tagOut,`)`]}),e.job&&(0,S.jsxs)(`span`,{className:`muted`,title:`job ${e.job.namespace} · ${e.job.name}`,children:[` `,`· job `,(0,S.jsx)(`code`,{children:e.job.name})]})]},`${e.from}>${e.to}:${n}`))})]})}function I({explanation:e,home:t}){let{paths:n,totalPaths:r,review:i}=e;return(0,S.jsxs)(`div`,{className:`review-explanation`,children:[n.length===0?(0,S.jsx)(`p`,{className:`muted`,children:`No lineage path carries this tag here any more.`}):n.map((e,n)=>(0,S.jsx)(F,{path:e,home:t},n)),r>n.length&&(0,S.jsxs)(`p`,{className:`muted`,children:[`and `,r-n.length,` more path`,r-n.length===1?``:`s`,` not shown.`]}),i&&(0,S.jsxs)(`p`,{className:`review-last`,children:[`Last decision by `,(0,S.jsx)(`strong`,{children:i.reviewer}),` `,(0,S.jsx)(c,{at:i.at,empty:`at an unknown time`}),i.reason?(0,S.jsxs)(S.Fragment,{children:[`: “`,i.reason,`”`]}):null]})]})}var L=_(`
  query ReviewQueue(
    $owner: String
    $unowned: Boolean!
    $tag: String
    $dataset: String
    $status: ReviewStatus!
    $first: Int
    $after: String
  ) {
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
`),R=25,z=[[`proposed`,`PROPOSED`,`Awaiting review`],[`confirmed`,`CONFIRMED`,`Confirmed`],[`rejected`,`REJECTED`,`Rejected`],[`any`,`ANY`,`Any status`]];function B(e){return`${e.columnId??``}\u0000${e.tag??``}`}function V(e){return!e.namespace||!e.datasetName||!e.field||!e.tag?null:{namespace:e.namespace,dataset:e.datasetName,column:e.field,tag:e.tag}}function H(e,t){let n=t?[`CLEAR`]:[];return e===`confirmed`?[`REJECT`,...n]:e===`rejected`?[`CONFIRM`,...n]:[`CONFIRM`,`REJECT`,...n]}var U={CONFIRM:`Confirm`,REJECT:`Reject`,CLEAR:`Clear decision`};function W(e,t){if(!t)return!1;let n=t.trim().toLowerCase();return e.some(e=>{let t=e.name.toLowerCase();return t===n||t.slice(t.indexOf(`:`)+1)===n})}function G({whose:e,canMine:t,tag:n,dataset:r,status:i,onChange:a}){let[o,s]=(0,x.useState)(n),[c,l]=(0,x.useState)(r);(0,x.useEffect)(()=>s(n),[n]),(0,x.useEffect)(()=>l(r),[r]);let u=e=>{e.preventDefault(),a({tag:o.trim(),dataset:c.trim()})},d=[...t?[[`mine`,`My datasets`]]:[],[`all`,`All datasets`],[`unowned`,`Unowned datasets`]];return(0,S.jsxs)(`form`,{className:`review-filters`,role:`search`,"aria-label":`Filter the review queue`,onSubmit:u,children:[(0,S.jsxs)(`fieldset`,{className:`review-whose`,children:[(0,S.jsx)(`legend`,{children:`Show`}),d.map(([t,n])=>(0,S.jsxs)(`label`,{children:[(0,S.jsx)(`input`,{type:`radio`,name:`whose`,value:t,checked:e===t,onChange:()=>a({whose:t})}),` `,n]},t))]}),(0,S.jsxs)(`div`,{className:`review-field`,children:[(0,S.jsx)(`label`,{htmlFor:`review-status`,children:`Status`}),(0,S.jsx)(`select`,{id:`review-status`,value:i,onChange:e=>a({status:e.target.value}),children:z.map(([e,,t])=>(0,S.jsx)(`option`,{value:e,children:t},e))})]}),(0,S.jsxs)(`div`,{className:`review-field`,children:[(0,S.jsx)(`label`,{htmlFor:`review-tag`,children:`Tag`}),(0,S.jsx)(`input`,{id:`review-tag`,type:`search`,value:o,onChange:e=>s(e.target.value),placeholder:`pii or pii.email`,list:`review-tag-options`,spellCheck:!1}),(0,S.jsx)(`datalist`,{id:`review-tag-options`,children:[`pii`,`pii.email`,`pii.phone`,`pii.name`,`pii.address`,`pii.dob`,`pii.ssn`,`pii.ip`,`pii.card`].map(e=>(0,S.jsx)(`option`,{value:e},e))})]}),(0,S.jsxs)(`div`,{className:`review-field`,children:[(0,S.jsx)(`label`,{htmlFor:`review-dataset`,children:`Dataset`}),(0,S.jsx)(`input`,{id:`review-dataset`,type:`search`,value:c,onChange:e=>l(e.target.value),placeholder:`name contains…`,spellCheck:!1})]}),(0,S.jsx)(`button`,{type:`submit`,children:`Apply`}),(n||r||i!==`proposed`)&&(0,S.jsx)(`button`,{type:`button`,className:`link`,onClick:()=>a({tag:``,dataset:``,status:``}),children:`Clear filters`})]})}function K({item:e,selected:t,onSelect:n,canDecide:a,viewerName:o,onDone:s}){let[c,u]=(0,x.useState)(null),p=(0,x.useRef)(null),h=(0,x.useRef)(null);(0,x.useEffect)(()=>{!c&&h.current&&(p.current?.querySelector(`button[data-decision="${h.current}"]`)?.focus(),h.current=null)},[c]);let g=V(e),_=e.namespace??``,v=e.datasetName??``,b=e.column?.tags.find(t=>t.key===e.tag)?.explanation,C=`${e.tag} on ${v}.${e.field}`,w=`review-item-${B(e).replace(/[^A-Za-z0-9_-]/g,`_`)}`,T=o!==null&&!e.unowned&&!W(e.owners,o);return(0,S.jsxs)(`li`,{className:`review-item${t?` review-item-selected`:``}`,"aria-labelledby":w,"data-testid":`review-item`,children:[a&&g&&(0,S.jsx)(`input`,{type:`checkbox`,className:`review-check`,checked:t,onChange:e=>n(e.target.checked),"aria-label":`Select ${C}`}),(0,S.jsxs)(`div`,{className:`review-item-body`,children:[(0,S.jsxs)(`h3`,{id:w,className:`review-item-title`,children:[(0,S.jsx)(f,{to:l(_,v),children:(0,S.jsx)(y,{name:v})}),(0,S.jsxs)(`span`,{className:`review-colref-field`,children:[`.`,e.field]}),` `,(0,S.jsx)(r,{tag:e.tag??`?`,status:e.status,origin:e.origin})]}),(0,S.jsxs)(`p`,{className:`review-meta`,children:[(0,S.jsx)(`span`,{className:`muted`,children:_}),(0,S.jsxs)(`span`,{children:[(0,S.jsx)(`span`,{className:`muted`,children:`Owners `}),(0,S.jsx)(d,{owners:e.owners}),T&&(0,S.jsx)(`span`,{className:`muted`,children:` (not you: only they can decide)`})]}),(0,S.jsx)(f,{to:i(m(_,v),{column:e.field??void 0,columnLevel:!0}),"aria-label":`Lineage of ${v}.${e.field}`,children:`Lineage`})]}),b?(0,S.jsx)(I,{explanation:b,home:_}):(0,S.jsx)(`p`,{className:`muted`,children:`The column no longer carries this tag.`}),a&&g&&(0,S.jsx)(`div`,{className:`review-actions`,ref:p,children:c?(0,S.jsx)(D,{targets:[g],decisions:[c],what:C,autoFocus:!0,onCancel:()=>{h.current=c,u(null)},onDone:e=>{u(null),s(e)}}):H(e.status,!!b?.review).map(e=>(0,S.jsxs)(`button`,{type:`button`,className:e===`REJECT`?`danger`:void 0,"data-decision":e,onClick:()=>u(e),"aria-label":`${U[e]} ${C}`,children:[U[e],`…`]},e))})]})]})}function q(){let e=u(),t=o(),n=e.authEnabled&&!!e.name,r=e.can(`review`),i=t.search,a=i.get(`whose`),c=a===`all`||a===`unowned`||a===`mine`&&n?a:n?`mine`:`all`,l=i.get(`tag`)??``,d=i.get(`dataset`)??``,[f,m]=z.find(([e])=>e===i.get(`status`))??z[0],_=`${c}|${l}|${d}|${f}`,[v,y]=(0,x.useState)([null]),[b,C]=(0,x.useState)(new Set),[w,T]=(0,x.useState)(null),E=(0,x.useRef)(null),[O,k]=(0,x.useState)(_);O!==_&&(k(_),y([null]),C(new Set));let A=v[v.length-1],{data:j,error:N,loading:P,refetch:F}=g(L,{owner:c===`mine`?e.name:null,unowned:c===`unowned`,tag:l||null,dataset:d||null,status:m,first:R,after:A}),I=j?.piiReviewQueue,H=(0,x.useMemo)(()=>I?.nodes??[],[I]),U=H.filter(e=>V(e)!==null),W=U.filter(e=>b.has(B(e)));(0,x.useEffect)(()=>{w&&E.current?.focus()},[w]);let q=e=>{let n=new URLSearchParams(t.search);for(let[t,r]of Object.entries(e))r?n.set(t,r):n.delete(t);let r=n.toString();h(`/review${r?`?${r}`:``}`,{replace:!0})},J=e=>{T(e),C(new Set),F()},Y=(e,t)=>C(n=>{let r=new Set(n);return t?r.add(B(e)):r.delete(B(e)),r}),X=U.length>0&&W.length===U.length,Z=W.length>0&&!X,ee=f===`any`?``:`${f} `,te=c===`mine`?` on datasets you own`:c===`unowned`?` on datasets nobody owns`:``,Q=(v.length-1)*R,$=`Nothing here matches these filters.`;return I?.totalCount===0&&($=c===`mine`?(0,S.jsxs)(S.Fragment,{children:[`Nothing on your datasets matches.`,` `,(0,S.jsx)(`button`,{type:`button`,className:`link`,onClick:()=>q({whose:`all`}),children:`Show all datasets`})]}):`Nothing here matches these filters.`),(0,S.jsxs)(`section`,{className:`review`,"aria-labelledby":`review-title`,children:[(0,S.jsx)(`h1`,{id:`review-title`,children:`PII review`}),(0,S.jsx)(`p`,{className:`muted review-intro`,children:`Tags that detection rules proposed or that lineage carried to a column. The dataset’s owners confirm them (the tag is pinned and keeps flowing downstream) or reject them (it is removed here and wherever it reached only through here).`}),(0,S.jsx)(G,{whose:c,canMine:n,tag:l,dataset:d,status:f,onChange:q}),!r&&(0,S.jsxs)(`p`,{className:`notice`,"data-testid":`review-readonly`,children:[`You can read this queue; deciding needs a token with the `,(0,S.jsx)(`strong`,{children:`review`}),` scope.`]}),w&&(0,S.jsx)(M,{ref:E,done:w,onDismiss:()=>T(null)}),N?(0,S.jsx)(s,{error:N,onRetry:F}):null,!I&&P&&(0,S.jsx)(p,{what:`the review queue`}),I&&(0,S.jsxs)(S.Fragment,{children:[(0,S.jsx)(`div`,{className:`review-summary`,"aria-live":`polite`,children:(0,S.jsxs)(`p`,{children:[(0,S.jsx)(`strong`,{children:I.totalCount}),` `,ee,`tag`,I.totalCount===1?``:`s`,l?(0,S.jsxs)(S.Fragment,{children:[` `,`under `,(0,S.jsx)(`code`,{children:l})]}):null,te,d?(0,S.jsxs)(S.Fragment,{children:[` `,`in datasets matching `,(0,S.jsx)(`q`,{children:d})]}):null,I.totalCount>0&&(0,S.jsxs)(`span`,{className:`muted`,children:[` `,`· showing `,Q+1,`–`,Q+I.nodes.length]}),P&&(0,S.jsx)(`span`,{className:`muted`,children:` · refreshing…`})]})}),H.length===0?(0,S.jsx)(`p`,{className:`review-empty`,children:$}):(0,S.jsxs)(S.Fragment,{children:[r&&U.length>0&&(0,S.jsxs)(`div`,{className:`review-bulk`,"aria-label":`Decide on several tags`,role:`group`,children:[(0,S.jsxs)(`label`,{className:`review-selectall`,children:[(0,S.jsx)(`input`,{type:`checkbox`,checked:X,ref:e=>{e&&(e.indeterminate=Z)},onChange:e=>C(e.target.checked?new Set(U.map(B)):new Set)}),` `,`Select all `,U.length,` on this page`]}),W.length>0&&(0,S.jsxs)(`div`,{className:`review-bulk-form`,children:[(0,S.jsxs)(`p`,{className:`review-bulk-count`,children:[(0,S.jsx)(`strong`,{children:W.length}),` selected`]}),(0,S.jsx)(D,{targets:W.map(V).filter(e=>e!==null),decisions:f===`proposed`?[`CONFIRM`,`REJECT`]:[`CONFIRM`,`REJECT`,`CLEAR`],what:`${W.length} selected tags`,onCancel:()=>C(new Set),onDone:J})]})]}),(0,S.jsx)(`ul`,{className:`review-list`,children:H.map(t=>(0,S.jsx)(K,{item:t,selected:b.has(B(t)),onSelect:e=>Y(t,e),canDecide:r,viewerName:e.authEnabled&&r?e.name:null,onDone:J},B(t)))})]}),(v.length>1||I.pageInfo.hasNextPage)&&(0,S.jsxs)(`nav`,{className:`review-pager`,"aria-label":`Review queue pages`,children:[(0,S.jsx)(`button`,{type:`button`,disabled:v.length<=1,onClick:()=>{y(e=>e.slice(0,-1)),C(new Set)},children:`← Previous`}),(0,S.jsx)(`button`,{type:`button`,disabled:!I.pageInfo.hasNextPage||!I.pageInfo.endCursor,onClick:()=>{y(e=>[...e,I.pageInfo.endCursor??null]),C(new Set)},children:`Next →`})]})]})]})}export{q as default};