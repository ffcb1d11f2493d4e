package bench

import (
	"bytes"
	"fmt"
	"os"
)

// The markers around the generated parts of a document: the bench's table
// and the soak's.
const (
	DocBegin     = "<!-- logifn bench: begin -->"
	DocEnd       = "<!-- logifn bench: end -->"
	SoakDocBegin = "<!-- logifn soak: begin -->"
	SoakDocEnd   = "<!-- logifn soak: end -->"
)

// UpdateDoc replaces what lies between DocBegin and DocEnd in the file at
// path with rep's table, in a code block, leaving the rest as it is.
func UpdateDoc(path string, rep *Report) error {
	var table bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		return err
	}
	return replaceSection(path, DocBegin, DocEnd, table.Bytes())
}

// UpdateSoakDoc is UpdateDoc for a soak's table, between SoakDocBegin and
// SoakDocEnd.
func UpdateSoakDoc(path string, rep *SoakReport) error {
	var table bytes.Buffer
	rep.WriteTable(&table)
	return replaceSection(path, SoakDocBegin, SoakDocEnd, table.Bytes())
}

// replaceSection replaces the text between begin and end in the file at
// path with text in a code block.
func replaceSection(path, begin, end string, text []byte) error {
	doc, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	i, j := bytes.Index(doc, []byte(begin)), bytes.Index(doc, []byte(end))
	if i < 0 || j < i {
		return fmt.Errorf("%s: no %s ... %s section to replace", path, begin, end)
	}
	var out bytes.Buffer
	out.Write(doc[:i+len(begin)])
	out.WriteString("\n```text\n")
	out.Write(bytes.Trim(text, "\n"))
	out.WriteString("\n```\n")
	out.Write(doc[j:])
	return os.WriteFile(path, out.Bytes(), 0o644)
}
