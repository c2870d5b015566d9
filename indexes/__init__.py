"""Search indexes built from knowledge/: the exercise GIF library and the cited knowledge RAG.

`gif_library.GifLibrary` (FAISS over clip captions), `knowledge_rag.KnowledgeIndex` (LlamaIndex +
FAISS + BM25), `gif_render` (the mannequin GIFs), `bm25` (keyword ranking with jieba).
Heavy imports stay inside the modules so `import indexes` is cheap.
"""
