package suite

import "encoding/xml"

// The listing replies as S3 documents them; optional elements are
// pointers so that a case can tell "absent" from "empty".

type owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}

type listEntry struct {
	Key          string `xml:"Key"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int64  `xml:"Size"`
	StorageClass string `xml:"StorageClass"`
	Owner        *owner `xml:"Owner"`
}

type commonPrefix struct {
	Prefix string `xml:"Prefix"`
}

type listV2Result struct {
	XMLName               xml.Name       `xml:"ListBucketResult"`
	Name                  string         `xml:"Name"`
	Prefix                *string        `xml:"Prefix"`
	Delimiter             *string        `xml:"Delimiter"`
	MaxKeys               *int           `xml:"MaxKeys"`
	KeyCount              *int           `xml:"KeyCount"`
	IsTruncated           *bool          `xml:"IsTruncated"`
	StartAfter            *string        `xml:"StartAfter"`
	ContinuationToken     *string        `xml:"ContinuationToken"`
	NextContinuationToken *string        `xml:"NextContinuationToken"`
	EncodingType          *string        `xml:"EncodingType"`
	Contents              []listEntry    `xml:"Contents"`
	CommonPrefixes        []commonPrefix `xml:"CommonPrefixes"`
}

type listV1Result struct {
	XMLName        xml.Name       `xml:"ListBucketResult"`
	Name           string         `xml:"Name"`
	Prefix         *string        `xml:"Prefix"`
	Marker         *string        `xml:"Marker"`
	NextMarker     *string        `xml:"NextMarker"`
	Delimiter      *string        `xml:"Delimiter"`
	MaxKeys        *int           `xml:"MaxKeys"`
	IsTruncated    *bool          `xml:"IsTruncated"`
	EncodingType   *string        `xml:"EncodingType"`
	Contents       []listEntry    `xml:"Contents"`
	CommonPrefixes []commonPrefix `xml:"CommonPrefixes"`
}

type versionEntry struct {
	Key          string `xml:"Key"`
	VersionID    string `xml:"VersionId"`
	IsLatest     bool   `xml:"IsLatest"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int64  `xml:"Size"`
	Owner        *owner `xml:"Owner"`
}

type listVersionsResult struct {
	XMLName             xml.Name       `xml:"ListVersionsResult"`
	Name                string         `xml:"Name"`
	Prefix              *string        `xml:"Prefix"`
	KeyMarker           *string        `xml:"KeyMarker"`
	NextKeyMarker       *string        `xml:"NextKeyMarker"`
	NextVersionIDMarker *string        `xml:"NextVersionIdMarker"`
	MaxKeys             *int           `xml:"MaxKeys"`
	IsTruncated         *bool          `xml:"IsTruncated"`
	Versions            []versionEntry `xml:"Version"`
	DeleteMarkers       []versionEntry `xml:"DeleteMarker"`
	CommonPrefixes      []commonPrefix `xml:"CommonPrefixes"`
}

func keysOf(es []listEntry) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Key)
	}
	return out
}

func prefixesOf(cs []commonPrefix) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Prefix)
	}
	return out
}

// str is *p, or "<absent>".
func str(p *string) string {
	if p == nil {
		return "<absent>"
	}
	return *p
}
