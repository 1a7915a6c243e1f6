package wire

import (
	"encoding"
	"encoding/xml"
	"reflect"
	"strings"
	"sync"
)

// A plan says how the fast path fills one struct type from a scanned body.
// It is built once per type, by reflection over the same `xml` struct tags
// encoding/xml reads, and follows encoding/xml's rules (read.go,
// typeinfo.go) for the tags it supports: element names and "a>b" paths,
// ",omitempty", embedded structs, an XMLName field, and fields of kind
// string, bool, int…, uint…, float… or struct, or slices of those. A type
// using anything else (a custom UnmarshalXML or UnmarshalText, attributes,
// chardata, innerxml, any, comments, name spaces, pointers, interfaces,
// maps, conflicting paths) gets a plan that is not ok, and the fast path
// leaves it to encoding/xml.

// plans caches one *structPlan per reflect.Type. It is this module's one
// mutable package variable, for the reason encoding/xml keeps its own type
// cache: a plan is derived from the type alone, never changes once stored,
// and holds no configuration, so the cache only saves rebuilding it.
var plans sync.Map // map[reflect.Type]*structPlan

// valueKind is what the fast path does with an element matched to a value.
type valueKind uint8

const (
	kindUnsupported valueKind = iota // leave the body to encoding/xml
	kindString
	kindInt
	kindUint
	kindFloat
	kindBool
	kindStruct
	kindSlice
)

// valuePlan says how to decode one element into a value of one type.
type valuePlan struct {
	kind valueKind
	bits int         // for numbers: the size strconv parses to
	st   *structPlan // kindStruct
	elem *valuePlan  // kindSlice: the element type's plan
}

// structPlan says how to decode the children of an element into a struct.
type structPlan struct {
	ok bool // false: leave any element of this type to encoding/xml
	// xmlName is the index of the XMLName field, or nil. xmlNameLocal is
	// the root name its tag requires ("" for any).
	xmlName      []int
	xmlNameLocal string
	root         pathNode // the fields, as a tree of element names
}

// pathNode is one level of the element names that lead to fields: the
// struct's own children at the top, then the children of each "a" of an
// "a>b" path, and so on. encoding/xml forbids a field path that is a
// prefix of another, so a name leads either to a field or further down.
type pathNode struct {
	edges []pathEdge
}

type pathEdge struct {
	name  string
	field *fieldPlan // set when the name ends a field's path
	sub   *pathNode  // set when the name is a parent in longer paths
}

// fieldPlan is one field reached through an element path.
type fieldPlan struct {
	index []int // the field's index sequence, through embedded structs
	value *valuePlan
}

// find returns the edge for the element name, or nil.
func (n *pathNode) find(name []byte) *pathEdge {
	for i := range n.edges {
		if e := &n.edges[i]; e.name == string(name) {
			return e
		}
	}
	return nil
}

// planFor returns the plan of struct type t, building it on first use.
func planFor(t reflect.Type) *structPlan {
	if p, ok := plans.Load(t); ok {
		return p.(*structPlan)
	}
	b := planBuilder{structs: make(map[reflect.Type]*structPlan)}
	p := b.structPlan(t)
	for typ, sp := range b.structs {
		plans.LoadOrStore(typ, sp)
	}
	stored, _ := plans.Load(t)
	if stored != nil {
		return stored.(*structPlan)
	}
	return p
}

// planBuilder builds the plans of one type and every type it reaches.
// structs holds the struct plans made so far, which also ends recursion
// through a type that contains itself.
type planBuilder struct {
	structs map[reflect.Type]*structPlan
}

// field is one element field while a struct's plan is built: its path and
// where it is.
type field struct {
	path  []string // parent names, then the element's own name
	index []int
	typ   reflect.Type
}

func (b *planBuilder) structPlan(t reflect.Type) *structPlan {
	if sp, ok := b.structs[t]; ok {
		return sp
	}
	sp := new(structPlan)
	b.structs[t] = sp
	if t.Kind() != reflect.Struct || hasUnmarshaler(t) {
		return sp
	}
	fields, xmlName, ok := collectFields(t)
	if !ok {
		return sp
	}
	if xmlName != nil {
		sp.xmlName = xmlName.index
		sp.xmlNameLocal = xmlName.path[0]
	}
	for _, f := range fields {
		if hasXMLName(f.typ) {
			// encoding/xml takes such a field's element name from
			// the XMLName when the tag has none, and checks the two
			// against each other when it has one.
			return sp
		}
		fp := &fieldPlan{index: f.index, value: b.valuePlan(f.typ)}
		if !sp.root.add(f.path, fp) {
			return sp
		}
	}
	sp.ok = true
	return sp
}

// valuePlan returns the plan for decoding an element into a value of
// type t.
func (b *planBuilder) valuePlan(t reflect.Type) *valuePlan {
	if hasUnmarshaler(t) {
		return &valuePlan{}
	}
	switch t.Kind() {
	case reflect.String:
		return &valuePlan{kind: kindString}
	case reflect.Bool:
		return &valuePlan{kind: kindBool}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &valuePlan{kind: kindInt, bits: t.Bits()}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return &valuePlan{kind: kindUint, bits: t.Bits()}
	case reflect.Float32, reflect.Float64:
		return &valuePlan{kind: kindFloat, bits: t.Bits()}
	case reflect.Struct:
		if t == reflect.TypeFor[xml.Name]() {
			return &valuePlan{}
		}
		return &valuePlan{kind: kindStruct, st: b.structPlan(t)}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return &valuePlan{} // []byte
		}
		elem := b.valuePlan(t.Elem())
		if elem.kind == kindUnsupported || elem.kind == kindSlice {
			return &valuePlan{}
		}
		return &valuePlan{kind: kindSlice, elem: elem}
	}
	return &valuePlan{}
}

// hasXMLName reports whether t, or what t points to or holds as a slice,
// is a struct with a field called XMLName.
func hasXMLName(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return false
	}
	for i := range t.NumField() {
		if t.Field(i).Name == "XMLName" {
			return true
		}
	}
	return false
}

// hasUnmarshaler reports whether t or *t decodes itself.
func hasUnmarshaler(t reflect.Type) bool {
	x, text := reflect.TypeFor[xml.Unmarshaler](), reflect.TypeFor[encoding.TextUnmarshaler]()
	p := reflect.PointerTo(t)
	return t.Implements(x) || p.Implements(x) || t.Implements(text) || p.Implements(text)
}

// collectFields lists the element fields of struct t, those of embedded
// structs included, and its XMLName field, as encoding/xml's getTypeInfo
// would. ok is false for anything the fast path does not support.
func collectFields(t reflect.Type) (fields []field, xmlName *field, ok bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, hasTag := f.Tag.Lookup("xml")
		if !f.IsExported() && !f.Anonymous || tag == "-" {
			continue
		}
		if f.Anonymous {
			if !f.IsExported() || f.Type.Kind() != reflect.Struct || hasTag {
				return nil, nil, false
			}
			inner, innerName, ok := collectFields(f.Type)
			if !ok || innerName != nil {
				return nil, nil, false
			}
			for _, g := range inner {
				g.index = append([]int{i}, g.index...)
				fields = append(fields, g)
			}
			continue
		}
		name, ok := tagName(tag)
		if !ok {
			return nil, nil, false
		}
		if f.Name == "XMLName" {
			if f.Type != reflect.TypeFor[xml.Name]() || strings.Contains(name, ">") {
				return nil, nil, false
			}
			xmlName = &field{path: []string{name}, index: f.Index, typ: f.Type}
			continue
		}
		if name == "" {
			name = f.Name
		}
		path := strings.Split(name, ">")
		if path[0] == "" {
			path[0] = f.Name
		}
		for _, p := range path {
			if p == "" {
				return nil, nil, false
			}
		}
		fields = append(fields, field{path: path, index: f.Index, typ: f.Type})
	}
	// encoding/xml lets a shallower field hide a deeper one with the same
	// path, and rejects other clashes; the fast path takes neither.
	for i := range fields {
		for j := range i {
			if pathsClash(fields[i].path, fields[j].path) {
				return nil, nil, false
			}
		}
	}
	return fields, xmlName, true
}

// tagName returns the name part of an `xml` tag for an element field, and
// false for a tag with a name space or a flag other than omitempty.
func tagName(tag string) (string, bool) {
	name, flags, _ := strings.Cut(tag, ",")
	if strings.Contains(name, " ") {
		return "", false
	}
	for flags != "" {
		var flag string
		flag, flags, _ = strings.Cut(flags, ",")
		if flag != "omitempty" {
			return "", false
		}
	}
	return name, true
}

// pathsClash reports whether one path equals the other or leads to it.
func pathsClash(a, b []string) bool {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// add puts a field with the given path into the tree. It returns false if
// the path runs through a field or ends where other paths continue.
func (n *pathNode) add(path []string, fp *fieldPlan) bool {
	name := path[0]
	var e *pathEdge
	for i := range n.edges {
		if n.edges[i].name == name {
			e = &n.edges[i]
		}
	}
	if e == nil {
		n.edges = append(n.edges, pathEdge{name: name})
		e = &n.edges[len(n.edges)-1]
	}
	if len(path) == 1 {
		if e.field != nil || e.sub != nil {
			return false
		}
		e.field = fp
		return true
	}
	if e.field != nil {
		return false
	}
	if e.sub == nil {
		e.sub = new(pathNode)
	}
	return e.sub.add(path[1:], fp)
}
