module recette.local/pause

go 1.22
